import { existsSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { BuildOptions } from "./build.js";
import type { Checked } from "./build-stamp.js";
import { withBodyFrom } from "./content/body-file.js";
import type { FileStats } from "./content/input-stamp.js";
import { parseFile } from "./content/parse-file.js";
import { displayPath } from "./config/display-path.js";
import { addToParseCache, contentCacheDir, type ParsedFile } from "./content/parse-cache.js";
import type { Diagnostic } from "./errors/diagnostic.js";
import type { Article, BodyFile, Page, RawDocument, Route, SiteConfig, SiteIndex } from "./model.js";
import { documentFromParsed } from "./content/load-content.js";
import { mediaFile } from "./routes/urls.js";
import { planRedirects, type Redirect } from "./routes/plan-redirects.js";
import { planRoutes } from "./routes/plan-routes.js";
import { buildSiteIndex } from "./site/build-site-index.js";
import { readArticle } from "./validate/read-article.js";
import { resumeCandidate } from "./resume-candidate.js";
import { readSnapshotSite, type Front, type SiteSnapshot, type SnapshotEdits, type SnapshotFile, type ZoneOffsets } from "./write/site-snapshot.js";

// A typo fixed in a story changes one body and nothing any list, index or other page is made from; a headline
// fixed changes what the pages that show the story say, but not where it stands in any list. Such a build
// resumes from the last build's snapshot (write/site-snapshot.ts), with the edits of the builds that resumed
// since, instead of reading, validating and indexing every file again: the edited articles get their new
// digest (and headline), and rendering then goes on as in any incremental build (the manifest says which
// pages changed). It applies only when that is provably all that changed, and the full pipeline runs otherwise:
// - the last build into this folder left a valid stamp, and the snapshot that stamp vouches for;
// - the same options, and a clock between that build's and the end of its site's validity (see render/clock.ts);
// - the same files (but for stories added, see the last point), and every file that changed is an article or
//   page of that site whose front matter text is byte for byte the same (same fields, at the same lines: same
//   validation, same warnings); or an article
//   whose headline, dek, picture's words or update time alone changed (a fix, a better line, a correction): its
//   front matter is validated again, and every other field must come out as before, so the story keeps its
//   place in every list, and only the pages that show it change (with every page's Latest news when it is
//   there, and the sitemap when its update time changed);
// - neither the old body nor the new one has images (they are processed and checked by line) or is blank
//   (a warning), since those are the only things validation and indexing take from a body;
// - or stories were published (files added under content/articles/, and none removed): each is validated on its
//   own, must have no error, no picture, and a slug no story, page or draft has, and the site is indexed again
//   with them (every list, route and redirect made anew from the snapshot's stories and the new ones, as the
//   full way makes them from every file); the build then writes a whole snapshot, not edits.

/** The last build's site with the edits in, or undefined when this build must read everything. */
export function resumable(options: BuildOptions, checked: Checked | undefined): Resumed | undefined {
  const { last } = checked ?? {};
  const candidate = checked?.candidate === undefined ? resumeCandidate(options, checked) : checked.candidate;
  if (!last || !candidate) return undefined;
  const { stored, edited } = candidate;
  const blank = new Set(last.warnings.filter((d) => d.code === "empty-body").map((d) => d.file));
  const found: Read[] = [];
  for (const { abs, ...stat } of edited) {
    const file = displayPath(abs);
    if (blank.has(file)) return undefined;
    const read = readAsBefore(abs, file, stat);
    if (!read) return undefined;
    found.push(read);
  }
  const fresh: Read[] = [];
  for (const { abs, ...stat } of candidate.added) {
    const read = readAsBefore(abs, displayPath(abs), stat);
    if (!read) return undefined;
    fresh.push(read);
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
  // The last build's site: the snapshot's, with the edits made since (a site `build --watch` kept has them).
  for (const [file, { source, front }] of Object.entries(stored.edits)) {
    const doc = docs.get(file);
    if (!doc) return undefined;
    doc.source = source;
    if (front && "category" in doc) retitle(doc, front);
  }
  // What changed since that build: a body, or a front matter whose headline or dek alone changed (validated again).
  const edits = { ...stored.edits };
  const touched = new Set<Article | Page>();
  const retitled: { doc: Article; file: string; front: Front; warnings: Diagnostic[] }[] = [];
  let redated = false;
  for (const { abs, file, parsed, size, mtimeMs } of found) {
    const doc = docs.get(abs);
    if (!doc?.bodyFile) return undefined;
    touched.add(doc);
    if (parsed.head === doc.head && parsed.bodyOffset === doc.bodyFile.offset && parsed.bodyLine === doc.bodyLine) {
      edits[abs] = { ...edits[abs], source: parsed.source, size, mtimeMs };
      continue;
    }
    // A page's title is in every page's menu.
    if (!("category" in doc)) return undefined;
    const now = readAgain(doc, documentFromParsed(options.contentDir, abs, parsed), index.config, options.strict === true);
    if (!now) return undefined;
    const front = frontOf(now.now);
    if (now.now.updated !== doc.updated) redated = true;
    retitled.push({ doc, file, front, warnings: now.warnings });
    edits[abs] = { source: parsed.source, size, mtimeMs, front };
  }
  // The snapshot is this build's own copy, changed in place; what the next build needs of it is in `edits`.
  for (const { abs, parsed } of found) docs.get(abs)!.source = parsed.source;
  for (const { doc, front } of retitled) retitle(doc, front);
  // Stories published: validated on their own, then the site is indexed again with them.
  const grown = fresh.length > 0 ? addStories(index, snapshot.draftSlugs, fresh, options) : undefined;
  if (fresh.length > 0 && !grown) return undefined;
  // The parse cache still describes these files as they were: the next full build must not trust it for them.
  const root = path.resolve(options.contentDir);
  const read = [...found, ...fresh].map(({ abs, parsed, size, mtimeMs }) => ({ rel: path.relative(root, abs).split(path.sep).join("/"), size, mtimeMs, parsed }));
  addToParseCache(contentCacheDir(options.contentDir, options.cacheDir), options.contentDir, read);
  index.now = options.now;
  for (const doc of docs.values()) withBodyFrom(doc);
  const revalidated = [...retitled, ...(grown?.stories ?? [])];
  return {
    snapshot,
    kept: fromSnapshot.kept,
    edited: touched,
    ...(grown && { grown: { index: grown.index, routes: grown.routes, redirects: grown.redirects, added: grown.stories.length } }),
    // Latest news is in the part every page shares, which pages that do not show the story are not asked about.
    ...((grown || retitled.some(({ doc }) => index.latest.includes(doc))) && { everywhere: true as const }),
    ...((grown || redated) && { redated: true as const }),
    ...(revalidated.length > 0 && { revalidated: { files: new Set(revalidated.map((r) => r.file)), warnings: revalidated.flatMap((r) => r.warnings) } }),
    base: stored.base,
    edits,
    ...(stored.read.offsets && { offsets: stored.read.offsets }),
  };
}

type Read = { abs: string; file: string; parsed: ParsedFile; size: number; mtimeMs: number };

/** The file parsed, if it is as the stamp saw it, and neither blank nor with images (see the conditions above). */
function readAsBefore(abs: string, file: string, stat: { size: number; mtimeMs: number }): Read | undefined {
  const outcome = parseFile(abs, file);
  if (!("parsed" in outcome)) return undefined;
  const { parsed, size, mtimeMs } = outcome;
  if (parsed.blankBody || parsed.bodyHasImages || size !== stat.size || mtimeMs !== stat.mtimeMs) return undefined;
  return { abs, file, parsed, size, mtimeMs };
}

/**
 * The site with the stories added: each validated on its own (with no error, and no warning under --strict),
 * its slug unlike any other story's or page's, with no picture (pictures are processed), not a draft left out
 * of the site (a draft claims its slug too); then indexed again, with its routes and redirects (an alias that
 * collides takes the full way, which reports it). Undefined when the full way must read everything.
 */
function addStories(index: SiteIndex, draftSlugs: string[], added: Read[], options: BuildOptions): { index: SiteIndex; routes: Route[]; redirects: Redirect[]; stories: { file: string; warnings: Diagnostic[] }[] } | undefined {
  const { config } = index;
  const slugs = new Set([...[...index.articles, ...index.scheduled, ...index.pages].map((doc) => doc.slug), ...draftSlugs]);
  const stories: Article[] = [];
  const warnings: { file: string; warnings: Diagnostic[] }[] = [];
  for (const { abs, file, parsed } of added) {
    const diagnostics: Diagnostic[] = [];
    const story = readArticle(documentFromParsed(options.contentDir, abs, parsed), config, new Set(), diagnostics);
    if (!story || diagnostics.some((d) => d.severity === "error") || (options.strict === true && diagnostics.length > 0)) return undefined;
    if ((story.draft && !options.drafts) || story.image !== undefined || story.slug === "page" || slugs.has(story.slug)) return undefined;
    slugs.add(story.slug);
    withBodyFrom(story);
    stories.push(story);
    warnings.push({ file, warnings: diagnostics });
  }
  const grown = buildSiteIndex([...index.articles, ...index.scheduled, ...stories], index.pages, config, options.now, { future: options.future ?? false });
  const routes = planRoutes(grown);
  const { redirects, diagnostics } = planRedirects(grown, routes);
  return diagnostics.length > 0 ? undefined : { index: grown, routes, redirects, stories: warnings };
}

/**
 * Fields only the pages that show the story show (a headline, a dek, a picture's words, when it was updated):
 * editing them moves it nowhere. An update's time is in the sitemap's dates too (see `redated`).
 */
const OPTIONAL_SHOWN = ["subtitle", "imageAlt", "imageCaption", "imageCredit", "updated"] as const;
const SHOWN_ONLY = new Set<string>(["title", ...OPTIONAL_SHOWN]);
/** Where the story's text lies in its file, and its digests: taken from the file anew whatever changed. */
const FROM_FILE = new Set(["source", "head", "bodyLine", "bodyFile", "imageLine"]);

/**
 * The article as its edited front matter makes it, with its warnings, when it validates and only its headline
 * or dek differ from `before`: every other field, its place in the site, is the same. Undefined otherwise
 * (the full way reports the errors).
 */
function readAgain(before: Article, raw: RawDocument, config: SiteConfig, strict: boolean): { now: Article; warnings: Diagnostic[] } | undefined {
  // The picture it names is the one it named before, or the comparison below fails: that file is still there
  // (a media file added, removed or changed means no resume at all).
  const picture = before.image !== undefined ? mediaFile(before.image, { frontMatter: true }) : undefined;
  const diagnostics: Diagnostic[] = [];
  const now = readArticle(raw, config, new Set(picture !== undefined ? [picture] : []), diagnostics);
  // With --strict a warning fails the build: the full way says so as it always does.
  if (!now || diagnostics.some((d) => d.severity === "error") || (strict && diagnostics.length > 0)) return undefined;
  const placed = (a: Article) => Object.keys(a).filter((key) => !SHOWN_ONLY.has(key) && !FROM_FILE.has(key)).sort();
  const [was, is] = [placed(before), placed(now)];
  const same = was.length === is.length && was.every((key, i) => key === is[i] && isDeepStrictEqual(before[key as keyof Article], now[key as keyof Article]));
  return same ? { now, warnings: diagnostics } : undefined;
}

type Shown = Partial<Pick<Article, (typeof OPTIONAL_SHOWN)[number]>>;

/** `to` takes the optional shown fields of `from`, and loses those `from` has not. */
function copyShown(from: Shown, to: Shown): void {
  const [source, target] = [from as Record<string, unknown>, to as Record<string, unknown>];
  for (const key of OPTIONAL_SHOWN) {
    if (source[key] === undefined) delete target[key];
    else target[key] = source[key];
  }
}

/** A front matter edit as the snapshot's edits keep it: the fields it may change, and where the story's text now lies. */
function frontOf(a: Article): Front {
  const shown: Shown = {};
  copyShown(a, shown);
  return {
    title: a.title,
    ...shown,
    head: a.head,
    bodyLine: a.bodyLine,
    offset: a.bodyFile!.offset,
    ...(a.imageLine !== undefined && { imageLine: a.imageLine }),
  };
}

/** The site's article as `front` has it. */
function retitle(doc: Article, front: Front): void {
  doc.title = front.title;
  copyShown(front, doc);
  doc.head = front.head;
  doc.bodyLine = front.bodyLine;
  if (doc.bodyFile) doc.bodyFile = { ...doc.bodyFile, offset: front.offset };
  if (front.imageLine !== undefined) doc.imageLine = front.imageLine;
}

/** What the snapshot's small file records of a build's input files and the site's documents (see write/site-snapshot.ts). */
export function snapshotFiles(stats: FileStats, index: SiteIndex): Map<string, SnapshotFile> {
  const files = new Map<string, SnapshotFile>(stats);
  for (const doc of documents(index)) {
    const stat = stats.get(doc.bodyFile.path);
    // Not { ...stat, doc }: V8 made a new hidden class for each (see mergedData in render/eta.ts).
    if (stat) files.set(doc.bodyFile.path, Object.assign({}, stat, { doc: { head: doc.head, offset: doc.bodyFile.offset, line: doc.bodyLine, images: doc.bodyHasImages } }));
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
  /** Stories published: the site indexed again with them (a new snapshot is written, not edits). */
  grown?: { index: SiteIndex; routes: Route[]; redirects: Redirect[]; added: number };
  /** A headline or dek edited is in Latest news, or a story was published: every page may change, not only those that show the story. */
  everywhere?: true;
  /** A story's update time changed: the sitemap's dates may too. */
  redated?: true;
  /** Articles whose front matter was validated again: their files, and the warnings they have now. */
  revalidated?: { files: Set<string>; warnings: Diagnostic[] };
  /** The offsets of the site's zone the snapshot's build found. */
  offsets?: ZoneOffsets;
  /** The inputs of the snapshot on disk, and every edit since it was written (this build's included). */
  base: string;
  edits: SnapshotEdits;
}
