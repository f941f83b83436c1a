import { hash } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
import { scanFiles } from "./scan.js";

/**
 * A digest of the name, size and modification time of every file a build reads (everything under content/
 * and templates/ that a build does not ignore), with `settings` (options and Broadsheet's own identity).
 * Equal stamps mean equal inputs, as far as file times tell: what lets a no-op build stop before reading.
 */
export async function inputStamp(contentDir: string, templatesDir: string, settings: unknown): Promise<string> {
  const lines: string[] = [JSON.stringify(settings)];
  for (const [label, dir] of [["content", contentDir], ["templates", templatesDir]] as const) {
    for (const rel of await scanFiles(dir, "")) {
      const info = statSync(path.join(dir, rel), { throwIfNoEntry: false });
      lines.push(`${label}/${rel}\u0000${info?.size ?? -1}\u0000${info?.mtimeMs ?? -1}`);
    }
  }
  return hash("sha256", lines.join("\n"), "base64");
}
