import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readTransient } from "./read-file.js";

// Broadsheet's identity: a digest of the bytes of the compiled files it runs from (its bundle, dist/bundle/, or
// all of dist/ when run from tsc's output). A build's cache (manifest, snapshot, stamp) holds only for the code
// that wrote it. Bytes, not times: a CI runner compiles the same code anew on every run, to the same bytes, and
// so keeps the cache it restores.

/** What `npm run compile` records of the bundle it wrote, beside it (see recordIdentity). */
export const IDENTITY_FILE = "identity.json";

interface Recorded {
  digest: string;
  /** Each file the digest covers: its path under the folder, size and modification time. */
  files: [string, number, number][];
}

let tool: Promise<string> | undefined;

/**
 * The digest of the code this thread runs. The bundle's is the one recorded when it was written, while its
 * files are those it recorded (the same names, sizes and times: ~40 stat calls); else, and for tsc's output,
 * the files are read and hashed (the bundle's 1.5 MB took ~7 ms, a twentieth of a build with nothing to do).
 */
export function toolIdentity(): Promise<string> {
  tool ??= (async () => {
    const here = import.meta.dirname;
    const root = path.basename(here) === "bundle" ? here : path.resolve(here, "..");
    return recorded(root) ?? codeDigest(root, codeFiles(root));
  })();
  return tool;
}

/** After `npm run compile` has written the bundle in `root`: records its digest, with what recorded() checks. */
export function recordIdentity(root: string): void {
  const files = codeFiles(root);
  const record: Recorded = {
    digest: codeDigest(root, files),
    files: files.map((file) => {
      const info = statSync(file);
      return [relative(root, file), info.size, info.mtimeMs];
    }),
  };
  const text = `${JSON.stringify(record)}\n`;
  const target = path.join(root, IDENTITY_FILE);
  let old: string | undefined;
  try {
    old = readFileSync(target, "utf8");
  } catch {
    // none yet
  }
  if (old !== text) writeFileSync(target, text);
}

/** The recorded digest of the code in `root`, if its files are still the ones recorded (any doubt: undefined). */
function recorded(root: string): string | undefined {
  try {
    const record = JSON.parse(readFileSync(path.join(root, IDENTITY_FILE), "utf8")) as Recorded;
    const files = codeFiles(root);
    if (typeof record.digest !== "string" || !Array.isArray(record.files) || files.length !== record.files.length) return undefined;
    for (const [i, file] of files.entries()) {
      const [rel, size, mtimeMs] = record.files[i]!;
      const info = statSync(file, { throwIfNoEntry: false });
      if (rel !== relative(root, file) || info?.size !== size || info.mtimeMs !== mtimeMs) return undefined;
    }
    return record.digest;
  } catch {
    return undefined; // none, or not one this code wrote
  }
}

/** The compiled scripts under `root`, sorted. */
function codeFiles(root: string): string[] {
  const entries = readdirSync(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.[cm]?js$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function codeDigest(root: string, files: readonly string[]): string {
  const digest = createHash("sha256");
  // Synchronous (a hundred reads through the thread pool took longer than the reads themselves), into the
  // thread's read buffer (see readTransient): only hashed.
  for (const file of files) {
    digest.update(`${relative(root, file)}\0`);
    digest.update(readTransient(file).bytes);
  }
  return digest.digest("base64");
}

function relative(root: string, file: string): string {
  return file.slice(root.length + 1);
}
