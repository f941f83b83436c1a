import { readdirSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import { hasManifest } from "./manifest.js";

/**
 * Why `outDir` cannot be the output folder, if it cannot. The build replaces the output folder as a whole, so
 * it takes only a folder that is new, empty, one it made (its manifest is beside it), or a site (an
 * `index.html` at its top: an earlier build whose cache is gone, a deploy branch checked out there). A file
 * given as `--out`, or a folder of other files, was replaced by the site without a word.
 */
export function outputFolderProblem(outDir: string): { problem: string; hint: string } | undefined {
  const out = path.resolve(outDir);
  let at = out;
  let info: Stats;
  for (;;) {
    try {
      info = statSync(at);
      break;
    } catch {
      const up = path.dirname(at);
      if (up === at) return undefined;
      at = up;
    }
  }
  const elsewhere = "Build into a folder of its own, e.g. --out public.";
  if (!info.isDirectory()) {
    return at === out
      ? { problem: `the output folder ${outDir} is a file`, hint: `${elsewhere} The build would replace the file with the site.` }
      : { problem: `${outDir} cannot be made: ${at} is a file`, hint: elsewhere };
  }
  if (at !== out || hasManifest(out)) return undefined;
  const entries = readdirSync(out).sort();
  if (entries.length === 0 || entries.includes("index.html")) return undefined;
  return {
    problem: `the output folder ${outDir} holds files Broadsheet did not make (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""})`,
    hint: `The build replaces the output folder as a whole, and would delete them. ${elsewhere} Or move those files away first.`,
  };
}
