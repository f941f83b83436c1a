import { readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { FileStats } from "../content/input-stamp.js";
import type { Instant, OutputFile, Route } from "../model.js";
import type { ViewRecipe } from "../render/view-context.js";
import type { Redirect } from "../routes/plan-redirects.js";
import { cacheDir } from "./manifest.js";

// The snapshot of the last full build of an output folder: its site as plain data (the index with every article's
// fields, but no body; routes, redirects, processed images, asset URLs, the files it copies), with the inputs
// it was made from, file by file. A build whose only changes are article bodies resumes from it instead of
// reading, validating and indexing every file again (see build-resume.ts). It belongs to the stamp with the
// same `inputs` (site-stamp.ts), which is written after it: a snapshot no stamp vouches for is never used. A
// resumed build writes only its edits beside the snapshot it resumed from (see EditsFile).

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

/** Documents edited since a snapshot was written, by absolute path: their new digest, size and time. */
export type SnapshotEdits = Record<string, { source: string; size: number; mtimeMs: number }>;

/**
 * A resumed build does not write the whole snapshot again (at 100,000 articles, 0.8 s to serialize and 93 MB
 * to write): it writes the edits since, beside it, and names the snapshot they apply to.
 */
interface EditsFile {
  version: number;
  /** The `inputs` of the snapshot the edits apply to. */
  base: string;
  /** The stamp of the build that wrote them. */
  inputs: string;
  /** That build's clock. */
  now: Instant;
  edits: SnapshotEdits;
}

function snapshotPath(outDir: string): string {
  return path.join(cacheDir(outDir), `${path.basename(path.resolve(outDir))}.site.v8`);
}

function editsPath(outDir: string): string {
  return path.join(cacheDir(outDir), `${path.basename(path.resolve(outDir))}.site-edits.json`);
}

/**
 * The site of the build with stamp `inputs`, if that build wrote the snapshot on disk or resumed from it: then
 * with the files' sizes and times and the clock of that build, and the digests of the documents edited since
 * the snapshot was written (`edits`, for the caller to set).
 */
export function readSnapshot(outDir: string, inputs: string): { snapshot: SiteSnapshot; edits: SnapshotEdits } | undefined {
  try {
    const stored = deserialize(readFileSync(snapshotPath(outDir))) as { version: number; snapshot: SiteSnapshot };
    if (stored.version !== VERSION) return undefined;
    const { snapshot } = stored;
    if (snapshot.inputs === inputs) return { snapshot, edits: {} };
    const later = JSON.parse(readFileSync(editsPath(outDir), "utf8")) as EditsFile;
    if (later.version !== VERSION || later.inputs !== inputs || later.base !== snapshot.inputs) return undefined;
    for (const [file, { size, mtimeMs }] of Object.entries(later.edits)) snapshot.stats.set(file, { size, mtimeMs });
    snapshot.recipe.index.now = later.now;
    return { snapshot, edits: later.edits };
  } catch {
    return undefined;
  }
}

/** Writes the snapshot of a build that read every file. */
export async function writeSnapshot(outDir: string, snapshot: SiteSnapshot): Promise<void> {
  const target = snapshotPath(outDir);
  await rm(editsPath(outDir), { force: true });
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(`${target}.tmp`, serialize({ version: VERSION, snapshot }));
  await rename(`${target}.tmp`, target);
}

/** Writes what a resumed build (stamp `inputs`, clock `now`) changed since the snapshot with inputs `base`. */
export async function writeSnapshotEdits(outDir: string, base: string, inputs: string, now: Instant, edits: SnapshotEdits): Promise<void> {
  const target = editsPath(outDir);
  await writeFile(`${target}.tmp`, JSON.stringify({ version: VERSION, base, inputs, now, edits } satisfies EditsFile));
  await rename(`${target}.tmp`, target);
}
