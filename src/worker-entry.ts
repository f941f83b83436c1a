/**
 * The compiled file of a worker module, given as `new URL("./x.js", import.meta.url)`. Under vitest the
 * program runs from src/ as TypeScript; workers always run the compiled copy in dist/ (`npm test` compiles first).
 */
export function compiledWorker(entry: URL, importerUrl: string): URL {
  if (!importerUrl.endsWith(".ts")) return entry;
  const href = entry.href;
  const at = href.lastIndexOf("/src/");
  return new URL(`${href.slice(0, at)}/dist/${href.slice(at + "/src/".length)}`);
}

/**
 * Heap limits of a parse or render worker (MB). V8 lets a heap grow towards its limit before it collects
 * hard, and its default limit is a quarter of the machine; a worker holds a copy of the site's index (about
 * 30 MB per 10,000 articles), so this bounds its memory without slowing it. A worker that runs out is
 * stopped, and the main thread does its work.
 */
export const WORKER_LIMITS = { maxOldGenerationSizeMb: 384 };
