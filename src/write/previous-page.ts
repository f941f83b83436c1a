import path from "node:path";
import { hashBytes } from "./manifest.js";
import { readTransient, seenAs } from "./read-file.js";
import { safeRelative } from "./write-site.js";

/**
 * The bytes of the page at `outPath` in the output folder, if they are the bytes a build wrote there (their
 * hash is `hash`, from the manifest): a page edited by hand is made afresh. Either thread reads pages this way.
 * `seen`: how this build saw the file when it checked its bytes against `hash` (a restored output folder's, see
 * Manifest.verified); seen so still, they are not hashed again.
 * The bytes are this thread's read buffer (see readTransient), good until its next read into it: a page is
 * spliced into a buffer of its own at once, and the thousands read when a story is published take no memory
 * of their own (4,000 articles, ~5,000 pages: 126 MB that were mapped in and collected).
 */
export function previousBytes(outDir: string, outPath: string, hash: string, seen?: string): Buffer | undefined {
  try {
    const { bytes, info } = readTransient(path.join(outDir, safeRelative(outPath)));
    return (seen !== undefined && seenAs(info) === seen) || hashBytes(bytes) === hash ? bytes : undefined;
  } catch {
    return undefined;
  }
}
