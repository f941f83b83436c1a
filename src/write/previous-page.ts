import { readFileSync } from "node:fs";
import path from "node:path";
import { hashBytes } from "./manifest.js";
import { safeRelative } from "./write-site.js";

/**
 * The bytes of the page at `outPath` in the output folder, if they are the bytes a build wrote there (their
 * hash is `hash`, from the manifest): a page edited by hand is made afresh. Either thread reads pages this way.
 */
export function previousBytes(outDir: string, outPath: string, hash: string): Buffer | undefined {
  try {
    const bytes = readFileSync(path.join(outDir, safeRelative(outPath)));
    return hashBytes(bytes) === hash ? bytes : undefined;
  } catch {
    return undefined;
  }
}
