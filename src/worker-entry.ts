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
