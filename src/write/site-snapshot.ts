import { readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { Instant, OutputFile, Route } from "../model.js";
import type { ViewRecipe } from "../render/view-context.js";
import type { Redirect } from "../routes/plan-redirects.js";
import { fileIdentity, writeAtomically } from "./atomic-file.js";
import { cacheDir } from "./manifest.js";

// The snapshot of the last full build of an output folder, in two files. The small one says what that build
// read: its options, the size and time of every input file, and each document's front matter digest; a build
// decides from it alone whether it may resume (see build-resume.ts), and most builds that may not (a front
// matter edited, a story added) read nothing more. The big one is the site as plain data (the index with every
// article's fields, but no body; routes, redirects, processed images, asset URLs, the files it copies), read
// only by a build that resumes. Both belong to the stamp with the same `inputs` (site-stamp.ts), which is
// written after them: a snapshot no stamp vouches for is never used. A resumed build writes only its edits
// beside the snapshot it resumed from (see EditsFile).

/** What a document's page and lists are made from besides its body, as the last full build read it. */
export interface SnapshotDoc {
  /** Digest of the front matter text. */
  head: string;
  /** Where the body starts, in the text and in lines. */
  offset: number;
  line: number;
  /** The body had "![" somewhere. */
  images: boolean;
}

/** An input file of the build: its size and time, and for an article or page of the site, its document. */
export type SnapshotFile = { size: number; mtimeMs: number; doc?: SnapshotDoc };

/** The small file. */
export interface SnapshotInputs {
  /** The stamp of the build that made it. */
  inputs: string;
  /** That build's options, as the stamp saw them. */
  settings: string;
  /** That build's clock (or, with edits applied, the last resumed build's). */
  now: Instant;
  /** Every input file of that build, by absolute path. */
  files: Map<string, SnapshotFile>;
  /** The offsets of the site's zone that build found (see TimeFormatter.offsets), for a build that resumes. */
  offsets?: ZoneOffsets;
}

/** A zone's offsets at instants, as [instant, offset, …], with the zone data (ICU's tz version) they come from. */
export interface ZoneOffsets {
  zone: string;
  tz: string;
  pairs: Float64Array;
}

/** The big file. */
export interface SiteSnapshot {
  inputs: string;
  recipe: ViewRecipe;
  routes: Route[];
  redirects: Redirect[];
  /** Files of the site that are not rendered: assets, media, image variants. */
  files: OutputFile[];
  /** The slugs of the drafts left out of the site (see build-resume.ts: a story added may not take them). */
  draftSlugs: string[];
}

const VERSION = 2;

/** Documents edited since a snapshot was written, by absolute path: their new digest, size and time. */
export type SnapshotEdits = Record<string, { source: string; size: number; mtimeMs: number; front?: Front }>;

/** An article's headline, dek, picture's words or update time edited since the snapshot (see build-resume.ts), and where its body now starts. */
export interface Front {
  title: string;
  subtitle?: string;
  imageAlt?: string;
  imageCaption?: string;
  imageCredit?: string;
  updated?: number;
  head: string;
  bodyLine: number;
  offset: number;
  imageLine?: number;
}

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

function cachePath(outDir: string, suffix: string): string {
  return path.join(cacheDir(outDir), `${path.basename(path.resolve(outDir))}.${suffix}`);
}
const inputsPath = (outDir: string) => cachePath(outDir, "site-inputs.v8");
const sitePath = (outDir: string) => cachePath(outDir, "site.v8");
const editsPath = (outDir: string) => cachePath(outDir, "site-edits.json");

/**
 * What the build with stamp `inputs` read, if that build wrote the snapshot on disk or resumed from it: then
 * with the files' sizes and times and the clock of that build, the digests of the documents edited since the
 * snapshot was written (`edits`), and the `inputs` of the snapshot itself (`base`, to read the site with).
 */
export function readSnapshotInputs(outDir: string, inputs: string): { read: SnapshotInputs; edits: SnapshotEdits; base: string } | undefined {
  try {
    const read = storedInputs(outDir);
    if (!read) return undefined;
    if (read.inputs === inputs) return { read, edits: {}, base: read.inputs };
    const later = JSON.parse(readFileSync(editsPath(outDir), "utf8")) as EditsFile;
    if (later.version !== VERSION || later.inputs !== inputs || later.base !== read.inputs) return undefined;
    // On a copy: the snapshot's own may be kept for the next build (see keepSnapshots).
    const files = new Map(read.files);
    for (const [file, { size, mtimeMs }] of Object.entries(later.edits)) files.set(file, { ...files.get(file), size, mtimeMs });
    return { read: { ...read, files, now: later.now }, edits: later.edits, base: read.inputs };
  } catch {
    return undefined;
  }
}

/** The small file as written (never changed by its readers), kept while it is the same file if keepSnapshots() was called. */
function storedInputs(outDir: string): SnapshotInputs | undefined {
  const file = inputsPath(outDir);
  const identity = keeping ? fileIdentity(file) : undefined;
  if (identity !== undefined && keptInputs?.file === file && keptInputs.identity === identity) return keptInputs.read;
  const stored = deserialize(readFileSync(file)) as { version: number; read: SnapshotInputs };
  if (stored.version !== VERSION) return undefined;
  if (identity !== undefined && identity === fileIdentity(file)) keptInputs = { file, identity, read: stored.read };
  return stored.read;
}

/**
 * `build --watch` keeps what it read of the snapshot (see keepSnapshots), while the files are the same: at
 * 10,000 articles, reading the site again took 0.1-0.2 s of each body edit's 0.35-0.5 s, and the small file
 * ~25 ms. The small file is never changed by its readers. A resumed build changes the site in place (its
 * edits applied): kept, it is handed out again only if the build that had it committed (the edits it applied
 * are then those on disk, which the next build applies again).
 */
let keeping = false;
let kept: { file: string; identity: string; site: SiteSnapshot; committed: boolean } | undefined;
let keptInputs: { file: string; identity: string; read: SnapshotInputs } | undefined;

/** From now on, this thread keeps the last snapshot it read (for builds that follow in the same thread). */
export function keepSnapshots(): void {
  keeping = true;
}

/** Lets go of what was kept: a build that reads everything is about to need the memory. */
export function dropKeptSnapshots(): void {
  kept = undefined;
  keptInputs = undefined;
}

/** The site handed out last, to a build into `outDir`, has been committed with its edits. */
export function snapshotSiteCommitted(outDir: string): void {
  if (kept?.file === sitePath(outDir)) kept.committed = true;
}


/** The site of the snapshot with inputs `base`, if that is the one on disk; `kept` when it was not read now. */
export function readSnapshotSite(outDir: string, base: string): { site: SiteSnapshot; kept: boolean } | undefined {
  const file = sitePath(outDir);
  const identity = keeping ? fileIdentity(file) : undefined;
  const again = kept;
  kept = undefined;
  if (again?.committed && again.file === file && again.identity === identity && again.site.inputs === base) {
    kept = { ...again, committed: false };
    return { site: again.site, kept: true };
  }
  const site = readSite(file, base, identity, false);
  return site && { site, kept: false };
}

/** The site in `file` if it is the snapshot with inputs `base`; kept if it is still the file `identity` names. */
function readSite(file: string, base: string, identity: string | undefined, pristine: boolean): SiteSnapshot | undefined {
  try {
    const stored = deserialize(readFileSync(file)) as { version: number; site: SiteSnapshot };
    if (stored.version !== VERSION || stored.site.inputs !== base) return undefined;
    // The file may have been replaced while it was read: then it is not kept.
    if (identity !== undefined && identity === fileIdentity(file)) kept = { file, identity, site: stored.site, committed: pristine };
    return stored.site;
  } catch {
    return undefined;
  }
}

/**
 * Reads the snapshot of `outDir` ahead of the build that will resume from it, when this thread keeps snapshots
 * and has none of that folder that it may hand out: `build --watch` calls it once idle after each build that
 * succeeded, so that the first body edit after a full build does not wait for it (at 10,000 articles ~0.1-0.2 s,
 * at 100,000 ~2 s). What it keeps is the file as written, with no edits applied: any build may have it, as if
 * it had read the file itself.
 */
export function prefetchSnapshot(outDir: string): void {
  const file = sitePath(outDir);
  if (!keeping) return;
  try {
    const identity = fileIdentity(file);
    // Kept already, and handed out since only to builds that committed (a failed one's edits may be in it; the
    // watch does not call this after a failed build, but another caller may).
    if (kept?.file === file && kept.identity === identity && kept.committed) return;
    const base = storedInputs(outDir)?.inputs;
    if (base !== undefined && identity !== undefined) readSite(file, base, identity, true);
  } catch {
    // nothing to read ahead: the build that needs it reads it, or takes the full way
  }
}

/**
 * The big file's bytes. A build that will write the snapshot makes them as it starts on its pages, once: its
 * second thread reads the site from them (see WorkerInit), and they are written as they are after the commit
 * (serializing the site is ~20 ms at 4,000 articles, which the end of the build no longer waits for).
 */
export function siteBytes(site: SiteSnapshot): Uint8Array {
  return serialize({ version: VERSION, site });
}

/** What renderedSite reads, for a build that writes no snapshot of its site (a dry run, a resumed build's edits). */
export function renderBytes(recipe: ViewRecipe, routes: Route[]): Uint8Array {
  return serialize({ site: { recipe, routes } });
}

/** The site to render, from bytes siteBytes or renderBytes made. */
export function renderedSite(bytes: Uint8Array): Pick<SiteSnapshot, "recipe" | "routes"> {
  const { recipe, routes } = (deserialize(bytes) as { site: SiteSnapshot }).site;
  return { recipe, routes };
}

/** Writes the snapshot of a build that read every file: `site`, made by siteBytes with `read.inputs`. */
export async function writeSnapshot(outDir: string, read: SnapshotInputs, site: Uint8Array): Promise<void> {
  await rm(editsPath(outDir), { force: true });
  await mkdir(cacheDir(outDir), { recursive: true });
  await writeAtomically(sitePath(outDir), site);
  await writeAtomically(inputsPath(outDir), serialize({ version: VERSION, read }));
}

/** Writes what a resumed build (stamp `inputs`, clock `now`) changed since the snapshot with inputs `base`. */
export async function writeSnapshotEdits(outDir: string, base: string, inputs: string, now: Instant, edits: SnapshotEdits): Promise<void> {
  await writeAtomically(editsPath(outDir), JSON.stringify({ version: VERSION, base, inputs, now, edits } satisfies EditsFile));
}
