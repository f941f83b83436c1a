import { renameSync, statSync, writeFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";

/**
 * Writes `file` through a temporary file beside it and a rename, so that a reader, or the next build after a
 * killed one, finds the old contents or the new, never half of them. The caches, manifests and stamps all go this way.
 */
export async function writeAtomically(file: string, contents: string | Uint8Array): Promise<void> {
  const temp = tempName(file);
  await writeFile(temp, contents);
  await rename(temp, file);
}

/** writeAtomically, for a caller that does no other I/O (a small file on a short path). */
export function writeAtomicallySync(file: string, contents: string | Uint8Array): void {
  const temp = tempName(file);
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

let written = 0;
let thread: number | undefined;
/**
 * A temporary name no other write uses: two builds in one process (the test runner's threads, sharing a
 * fixture's cache folder) wrote the same file at once, and one renamed the other's temporary file away.
 * The thread's id is asked on the first write: loading node:worker_threads took ~3.5 ms of a build that has
 * nothing to do, which writes nothing.
 */
function tempName(file: string): string {
  thread ??= (createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads")).threadId;
  return `${file}.${process.pid}-${thread}-${++written}.tmp`;
}

/**
 * Which file is at `file` now, as of its last write: device, inode, size and times. A file written again
 * (through writeAtomically, a new inode) or replaced gets another; undefined when there is none. What a
 * thread keeps of a file it wrote or read (`build --watch`) holds while this is the same.
 */
export function fileIdentity(file: string): string | undefined {
  const info = statSync(file, { bigint: true, throwIfNoEntry: false });
  return info && `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
}
