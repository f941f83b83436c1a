import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { FileStats } from "../content/input-stamp.js";
import type { OutputFile, Route } from "../model.js";
import type { ViewRecipe } from "../render/view-context.js";
import type { Redirect } from "../routes/plan-redirects.js";
import { cacheDir } from "./manifest.js";

// The snapshot of the last build of an output folder: its site as plain data (the index with every article's
// fields, but no body; routes, redirects, processed images, asset URLs, the files it copies), with the inputs
// it was made from, file by file. A build whose only changes are article bodies resumes from it instead of
// reading, validating and indexing every file again (see build-resume.ts). It belongs to the stamp with the
// same `inputs` (site-stamp.ts), which is written after it: a snapshot no stamp vouches for is never used.

export interface SiteSnapshot {
  /** The stamp of the build that made it. */
  inputs: string;
  /** That build's options, as the stamp saw them. */
  settings: string;
  /** Size and time of every input file of that build. */
  stats: FileStats;
  recipe: ViewRecipe;
  routes: Route[];
  redirects: Redirect[];
  /** Files of the site that are not rendered: assets, media, image variants. */
  files: OutputFile[];
}

const VERSION = 1;

function snapshotPath(outDir: string): string {
  return path.join(cacheDir(outDir), `${path.basename(path.resolve(outDir))}.site.v8`);
}

/** The snapshot of the build with stamp `inputs`, if that is the one on disk. */
export function readSnapshot(outDir: string, inputs: string): SiteSnapshot | undefined {
  try {
    const stored = deserialize(readFileSync(snapshotPath(outDir))) as { version: number; snapshot: SiteSnapshot };
    return stored.version === VERSION && stored.snapshot.inputs === inputs ? stored.snapshot : undefined;
  } catch {
    return undefined;
  }
}

export async function writeSnapshot(outDir: string, snapshot: SiteSnapshot): Promise<void> {
  const target = snapshotPath(outDir);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(`${target}.tmp`, serialize({ version: VERSION, snapshot }));
  await rename(`${target}.tmp`, target);
}
