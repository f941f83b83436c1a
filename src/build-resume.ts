import { existsSync } from "node:fs";
import path from "node:path";
import type { BuildOptions } from "./build.js";
import type { Checked } from "./build-stamp.js";
import { withBodyFrom } from "./content/body-file.js";
import type { FileStats } from "./content/input-stamp.js";
import { parseFile } from "./content/parse-file.js";
import { displayPath } from "./config/load-config.js";
import { addToParseCache, contentCacheDir, type ParsedFile } from "./content/parse-cache.js";
import type { Article, BodyFile, Page, SiteIndex } from "./model.js";
import { resumeCandidate } from "./resume-candidate.js";
import { readSnapshotSite, type SiteSnapshot, type SnapshotEdits, type SnapshotFile } from "./write/site-snapshot.js";

// A typo fixed in a story changes one body and nothing any list, index or other page is made from. Such a
// build resumes from the last build's snapshot (write/site-snapshot.ts) instead of reading, validating and
// indexing every file again: the edited articles get their new digest, and rendering then goes on as in any
// incremental build (the manifest says which pages changed). It applies only when the change is provably
// body-only, and the full pipeline runs otherwise:
// - the last build into this folder left a valid stamp, and the snapshot that stamp vouches for;
// - the same options, and a clock between that build's and the end of its site's validity (see render/clock.ts);
// - the same files, and every file that changed is an article or page of that site whose front matter text
//   is byte for byte the same (same fields, at the same lines: same validation, same warnings);
// - neither the old body nor the new one has images (they are processed and checked by line) or is blank
//   (a warning), since those are the only things validation and indexing take from a body.

/** The last build's site with the edited bodies in, or undefined when this build must read everything. */
export function resumable(options: BuildOptions, checked: Checked | undefined): Resumed | undefined {
  const { last } = checked ?? {};
  const candidate = checked?.candidate === undefined ? resumeCandidate(options, checked) : checked.candidate;
  if (!last || !candidate) return undefined;
  const { stored, edited } = candidate;
  const blank = new Set(last.warnings.filter((d) => d.code === "empty-body").map((d) => d.file));
  const found: { abs: string; parsed: ParsedFile; size: number; mtimeMs: number }[] = [];
  for (const { abs, doc, ...stat } of edited) {
    const file = displayPath(abs);
    if (blank.has(file)) return undefined;
    const outcome = parseFile(abs, file);
    if (!("parsed" in outcome)) return undefined;
    const { parsed, size, mtimeMs } = outcome;
    const bodyOnly = parsed.head === doc.head && parsed.bodyOffset === doc.offset && parsed.bodyLine === doc.line;
    if (!bodyOnly || parsed.blankBody || parsed.bodyHasImages || size !== stat.size || mtimeMs !== stat.mtimeMs) return undefined;
    found.push({ abs, parsed, size, mtimeMs });
  }

  // Then the site (big).
  const fromSnapshot = readSnapshotSite(options.outDir, stored.base);
  if (!fromSnapshot) return undefined;
  const snapshot = fromSnapshot.site;
  // Image variants are copied from the cache, which may have been emptied since: the full way encodes them again.
  if (snapshot.files.some((f) => "copyFrom" in f && !existsSync(f.copyFrom))) return undefined;
  const { index } = snapshot.recipe;
  const docs = new Map<string, Article | Page>();
  for (const doc of documents(index)) docs.set(doc.bodyFile.path, doc);
  // The snapshot is this build's own copy, changed in place; what the next build needs of it is in `edits`.
  const edits = { ...stored.edits };
  for (const { abs, parsed, size, mtimeMs } of found) edits[abs] = { source: parsed.source, size, mtimeMs };
  const editedHere = new Set(found.map((f) => f.abs));
  const touched = new Set<Article | Page>();
  for (const [file, { source }] of Object.entries(edits)) {
    const doc = docs.get(file);
    if (!doc) return undefined;
    doc.source = source;
    if (editedHere.has(file)) touched.add(doc);
  }
  // The parse cache still describes these files as they were: the next full build must not trust it for them.
  const root = path.resolve(options.contentDir);
  const read = found.map(({ abs, parsed, size, mtimeMs }) => ({ rel: path.relative(root, abs).split(path.sep).join("/"), size, mtimeMs, parsed }));
  addToParseCache(contentCacheDir(options.contentDir, options.cacheDir), options.contentDir, read);
  index.now = options.now;
  for (const doc of docs.values()) withBodyFrom(doc);
  return { snapshot, kept: fromSnapshot.kept, edited: touched, base: stored.base, edits };
}

/** What the snapshot's small file records of a build's input files and the site's documents (see write/site-snapshot.ts). */
export function snapshotFiles(stats: FileStats, index: SiteIndex): Map<string, SnapshotFile> {
  const files = new Map<string, SnapshotFile>(stats);
  for (const doc of documents(index)) {
    const stat = stats.get(doc.bodyFile.path);
    if (stat) files.set(doc.bodyFile.path, { ...stat, doc: { head: doc.head, offset: doc.bodyFile.offset, line: doc.bodyLine, images: doc.bodyHasImages } });
  }
  return files;
}

/** The site's articles (published or scheduled) and pages that read their body from a file. */
function* documents(index: SiteIndex): Generator<(Article | Page) & { bodyFile: BodyFile }> {
  for (const list of [index.articles, index.scheduled, index.pages]) {
    for (const doc of list) if (doc.bodyFile) yield doc as (Article | Page) & { bodyFile: BodyFile };
  }
}

export interface Resumed {
  /** The last build's site, with the edits in. */
  snapshot: SiteSnapshot;
  /** The site was in memory (`build --watch` keeps it), not read from the snapshot's file. */
  kept: boolean;
  /** The documents this build found edited. */
  edited: Set<Article | Page>;
  /** The inputs of the snapshot on disk, and every edit since it was written (this build's included). */
  base: string;
  edits: SnapshotEdits;
}
