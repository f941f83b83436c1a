import { hash } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
import { scanFiles } from "./scan.js";

/**
 * A digest of the name, size and modification time of every file a build reads (everything under content/
 * and templates/ that a build does not ignore), with `settings` (options and Broadsheet's own identity).
 * Equal stamps mean equal inputs, as far as file times tell: what lets a no-op build stop before reading.
 */
export async function inputStamp(contentDir: string, templatesDir: string, settings: unknown): Promise<{ stamp: string; stats: FileStats }> {
  const lines: string[] = [JSON.stringify(settings)];
  const stats: FileStats = new Map();
  for (const [label, dir] of [["content", contentDir], ["templates", templatesDir]] as const) {
    // path.join(dir, rel), without normalizing each of thousands of paths again: `rel` is normal already.
    const prefix = path.join(dir, "_").slice(0, -1);
    for (const rel of await scanFiles(dir, "")) {
      const abs = path.sep === "/" ? prefix + rel : path.join(dir, rel);
      const info = statSync(abs, { throwIfNoEntry: false });
      if (info) stats.set(abs, { size: info.size, mtimeMs: info.mtimeMs });
      lines.push(`${label}/${rel}\u0000${info?.size ?? -1}\u0000${info?.mtimeMs ?? -1}`);
    }
  }
  return { stamp: hash("sha256", lines.join("\n"), "base64"), stats };
}

/** Size and time of each file the stamp covers, by path: loading reuses them instead of asking again. */
export type FileStats = Map<string, { size: number; mtimeMs: number }>;
