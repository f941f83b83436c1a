import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { loadConfig } from "./config/load-config.js";
import { loadTemplates } from "./config/load-templates.js";
import { missingFolders } from "./config/source-folders.js";
import { loadContent } from "./content/load-content.js";
import { contentCacheDir, openParseCache, type ParseCache } from "./content/parse-cache.js";
import { error, hasErrors, sortDiagnostics, type Diagnostic } from "./errors/diagnostic.js";
import { imageRequests } from "./media/image-requests.js";
import { processImages } from "./media/process-images.js";
import type { ImageEncoder } from "./media/sharp-encoder.js";
import type { Instant, OutputFile, RawDocument, Route, SiteIndex } from "./model.js";
import { planAssets } from "./render/assets.js";
import { compileTemplates, type Templates } from "./render/eta.js";
import { renderPages } from "./render/render-pages.js";
import { feedStories, makeSyndication, planSyndication, type SyndicationFile } from "./render/render-syndication.js";
import { feedHarvest } from "./render/feeds/feed-harvest.js";
import { viewContext } from "./render/view-context.js";
import type { ViewContext } from "./render/view-model.js";
import { planRedirects, type Redirect } from "./routes/plan-redirects.js";
import { planRoutes } from "./routes/plan-routes.js";
import { makeUrls } from "./routes/urls.js";
import { buildSiteIndex } from "./site/build-site-index.js";
import { readAhead, validateContent, type ArticleMemo } from "./validate/validate-content.js";
import { secondThreadFor, WORKER_THRESHOLD, type SecondThread } from "./parallel/second-thread.js";
import { overlappingFolder, recoverInterruptedSwap } from "./write/write-site.js";
import { outputFolderProblem, outputPathProblem, throughLink } from "./write/output-folder.js";
import { openSiteWriter, type WriteReport } from "./write/site-writer.js";
import { hasManifest, loadManifest } from "./write/manifest.js";
import { toolIdentity } from "./write/tool-identity.js";
import { writeStamp, type BuildSummary } from "./write/site-stamp.js";
import { checkStamp, type Checked } from "./build-stamp.js";
import { resumable, snapshotFiles, type Resumed } from "./build-resume.js";
import { resumeCandidate } from "./resume-candidate.js";
import { dropKeptSnapshots, renderBytes, siteBytes, snapshotSiteCommitted, writeSnapshot, writeSnapshotEdits } from "./write/site-snapshot.js";
import { sameSiteUntil } from "./render/clock.js";
import { timeSettingsOf, zoneData } from "./render/dates.js";

export interface BuildOptions {
  contentDir: string;
  templatesDir: string;
  outDir: string;
  /** The build's only clock: decides which articles are published yet. */
  now: Instant;
  drafts?: boolean;
  future?: boolean;
  baseUrl?: string;
  /** Render and check everything, but write nothing. */
  dryRun?: boolean;
  /**
   * False for `check`: every picture is read through (so that it fails as in a build) but none is encoded, and
   * the image cache is left as it was (see processImages). The dev server, a dry run too, serves the variants.
   */
  encodeImages?: boolean;
  /**
   * False for `check`: a dry run's pages are rendered, and so checked, then dropped rather than kept for the
   * result (held, they took ~1.2 GB at 20,000 articles, and ran a 40,000-article check out of memory).
   */
  keepFiles?: boolean;
  /** Treat warnings as errors. */
  strict?: boolean;
  /** Encoded image variants, by content hash; default: .broadsheet-cache/ beside the content folder. */
  cacheDir?: string;
  /** Replaces sharp (tests count encodes). */
  imageEncoder?: ImageEncoder;
  /** Ignore the incremental-build cache: rewrite every output file (a cold build). */
  noCache?: boolean;
  /** What checkStamp() found, when the caller asked it first (the CLI, to load the pipeline only when needed). */
  checked?: Checked;
  /** The files a watcher reported since the last build (`build --watch`; see inputStamp's `changed`). */
  changed?: string[];
  /** Pages to render before a worker thread renders part of them on a second core (0: always, and wait for it; Infinity: never). */
  workerThreshold?: number;
  /** The second thread, opened by the caller (see secondThreadFor); the build closes it. */
  second?: SecondThread;
}

export interface BuildResult {
  ok: boolean;
  /** Errors and warnings, sorted by file and line. */
  diagnostics: Diagnostic[];
  index?: SiteIndex;
  /** A dry run's files; a written build hands its pages to the write stage as they render, and lists none. */
  files: OutputFile[];
  /** What the write stage did: files in the site, written, removed. */
  written?: WriteReport;
  /** Milliseconds spent in each stage, in order (`broadsheet build --timings`). */
  stages: [string, number][];
  /** What the CLI reports of a successful build (also known when nothing had to be done). */
  summary?: BuildSummary;
  /** The inputs' stamp, when it was made from a watcher's reports rather than a walk (see inputStamp). */
  eventStamp?: string;
}

/** Everything a build has before rendering: the index, the routes, and what renders and writes them. */
export interface PreparedSite {
  index: SiteIndex;
  routes: Route[];
  redirects: Redirect[];
  ctx: ViewContext;
  templates: Templates;
  /** Files of the site that are not rendered: fingerprinted assets, content/media, image variants. */
  files: OutputFile[];
  /** The slugs of the drafts left out of the site (kept in the snapshot, see build-resume.ts). */
  draftSlugs: string[];
  /** When the site was resumed from the last build's snapshot (see build-resume.ts). */
  resumed?: Omit<Resumed, "snapshot">;
  /** Saves the parse cache, left to the caller when a second thread waits for the site (see prepareSite). */
  saveParseCache?: () => Promise<void>;
  /** A file changed while the build read it (see ContentSources.changedWhileRead): no stamp, nor snapshot, is recorded. */
  unstamped?: true;
}

export interface PrepareResult extends BuildResult {
  site?: PreparedSite;
}

/** What a long-lived caller (the dev server) keeps from one build to the next, so a rebuild redoes only what changed. */
export interface BuildMemory {
  parseCache: ParseCache;
  articles: ArticleMemo;
}

/** The last build's manifest, being loaded by the second thread (see SecondThread.loadManifest). */
type ManifestLoad = ReturnType<SecondThread["loadManifest"]>;

/** load → validate → index → render → write. Writes nothing unless every stage before succeeded. */
export async function build(given: BuildOptions): Promise<BuildResult> {
  const options = { ...given, outDir: throughLink(given.outDir) };
  const threshold = options.workerThreshold ?? WORKER_THRESHOLD;
  let second = options.second;
  try {
    const stamped = options.checked ?? (await checkStamp(options));
    if (stamped.unchanged) return stamped.unchanged;
    // A build with no file it may resume from (a file added or removed, many edited, a restored output folder)
    // reads every file: asked now, a big site's gets its second thread from the start (see secondThreadFor).
    const checked = stamped.candidate === undefined ? { ...stamped, candidate: resumeCandidate(options, stamped) ?? (false as const) } : stamped;
    second ??= secondThreadFor({ ...options, checked }, threshold);
    // The second thread loads the last build's manifest meanwhile (and checks a restored folder's files).
    const manifest = second && !options.noCache && !options.dryRun && hasManifest(options.outDir) ? second.loadManifest(options.outDir) : undefined;
    const result = await buildWith({ ...options, checked }, threshold, second, manifest);
    return checked.byEvents && checked.stamp !== undefined ? { ...result, eventStamp: checked.stamp } : result;
  } finally {
    await second?.close();
  }
}

async function buildWith(options: BuildOptions, threshold: number, second: SecondThread | undefined, manifest: ManifestLoad | undefined): Promise<BuildResult> {
  let prepared = await resumeSite(options);
  if (!prepared) {
    // A site kept for `build --watch` (see keepSnapshots) would hold its memory through the full build's.
    dropKeptSnapshots();
    prepared = await prepareSite(options, undefined, second);
  }
  return renderAndWrite(options, prepared, threshold, second, manifest);
}

/**
 * A build that resumes from the last build's snapshot (see build-resume.ts), or undefined, having written
 * nothing, when it cannot. The CLI runs it in its own thread: it needs none of a full build's memory.
 */
export async function resumeBuild(options: BuildOptions): Promise<BuildResult | undefined> {
  const prepared = await resumeSite(options);
  return prepared && renderAndWrite(options, prepared, options.workerThreshold ?? WORKER_THRESHOLD, undefined);
}

async function renderAndWrite(options: BuildOptions, prepared: PrepareResult, threshold: number, second: SecondThread | undefined, manifest?: ManifestLoad): Promise<BuildResult> {
  const { site, ...result } = prepared;
  const run = resume(options, result);
  if (!site) return result;
  // The next build walks and reads again what the stamp would have vouched for.
  const { stamp, settings, stats } = site.unstamped ? {} : (options.checked ?? {});
  const { index, routes, redirects, ctx, templates } = site;
  // The bodies of the stories the feeds carry are made with their pages, from one parse (see feed-harvest.ts).
  const feedFiles = feedStories(ctx).map((article) => article.file);
  if (feedFiles.length > 0) ctx.harvest = feedHarvest(ctx, new Set(feedFiles));
  // The second thread gets the site first: it takes a while to read it and set up, while this thread gets the
  // output folder ready. Only a dry run may drop pages: with a writer, a dropped page would be written empty.
  const drop = options.keepFiles === false && options.dryRun === true;
  const recipe = { index, images: ctx.images, assets: ctx.assets };
  // The snapshot of the site is made now, when the build will write one (not a build that resumed to edit bodies
  // only: it writes its edits): the second thread reads the site from the same bytes.
  const edited = site.resumed !== undefined && !site.resumed.grown;
  const snapshot = stamp !== undefined && settings !== undefined && stats && !edited && !options.dryRun
    ? siteBytes({ recipe, routes, redirects, files: site.files, draftSlugs: site.draftSlugs, inputs: stamp })
    : undefined;
  const thread = second?.render({ site: snapshot ?? renderBytes(recipe, routes), templates: templates.sources, drop, feedFiles });
  // The parse cache is saved (40-60 ms at 4,000 articles) where this thread would wait: for the manifest that the
  // second thread loads (a CI run checks the restored output folder's files there, ~0.3 s), before the writer
  // waits for it; else once that thread has read the site (~45 ms) and been given its first pages, while this
  // one has started on its own. Awaited before the files are written.
  const saving = thread && !manifest ? thread.started.then(nextTurn).then(site.saveParseCache) : site.saveParseCache?.();
  saving?.catch(() => {}); // awaited below: a failure is thrown there
  // Pages stream into the write stage, which changes the output folder only at commit (see src/write/).
  // The manifest the second thread loaded; loaded here if that thread failed.
  const previous = manifest?.then((loaded) => (loaded ? loaded.manifest : loadManifest(options.outDir)));
  const tooDeep = options.dryRun ? undefined : outputPathProblem(options.outDir, [...routes.map((r) => r.outPath), ...site.files.map((f) => f.path)]);
  if (tooDeep) {
    run.push(outDirUnsafe(options.outDir, tooDeep));
    await saving;
    return run.done(index);
  }
  let writer: Awaited<ReturnType<typeof openSiteWriter>> | undefined;
  try {
    writer = options.dryRun ? undefined : await openSiteWriter(options.outDir, { cache: !options.noCache, ...(previous && { manifest: previous }) });
  } catch (cause) {
    const { code, path: where } = cause as NodeJS.ErrnoException;
    if (!["ENOENT", "EACCES", "EPERM", "EROFS", "ENOTDIR", "ENAMETOOLONG"].includes(code ?? "")) throw cause;
    await second?.close();
    await saving;
    run.push(outDirUnsafe(options.outDir, { problem: `the output folder ${options.outDir} cannot be made (${code} at ${where ?? options.outDir})`, hint: "Build into a folder you can write, e.g. --out public." }));
    return run.done(index);
  }
  const planned = planSyndication(routes, ctx, writer && ((group, inputs) => writer.reuse(group, inputs)), site.resumed !== undefined && !site.resumed.redated);
  // The feeds' bodies are taken from earlier builds where a story's bytes are the same (none with --no-cache).
  const plan = writer ? { ...planned, bodies: { outDir: options.outDir, tool: await toolIdentity(), fresh: options.noCache === true } } : planned;
  // The second thread makes the feeds and sitemaps once the pages of the feeds' stories are made (the newest
  // stories', among the first routes), while this thread goes on with the pages.
  const feedRoutes = new Set(feedFiles.length === 0 ? [] : routes.flatMap((route, i) => (route.kind === "article" && ctx.harvest!.wants(route.article) ? [i] : [])));
  let syndicated: Promise<SyndicationFile[] | undefined> | undefined;
  // As bytes with their hashes when written: encoding and hashing them (~30 ms at 4,000 articles) is done there.
  const syndicate = () => void (syndicated = thread && second?.syndicate(plan, redirects, ctx.harvest?.all(), writer !== undefined));
  const rendered = await renderPages(routes, ctx, templates, writer, {
    threshold,
    drop,
    ...(thread && second && { thread, second, milestone: { routes: feedRoutes, reached: syndicate } }),
    ...(site.resumed && !site.resumed.everywhere && { touched: site.resumed.edited }),
  }).finally(() => saving);
  run.push(...rendered.diagnostics);
  const { rendered: made, spliced, splicedByWorker, kept, byWorker } = rendered.counts;
  const shared = (n: number) => (n > 0 ? ` (${n} by a second thread)` : "");
  run.mark(`render pages (${made} rendered${shared(byWorker)}, ${spliced} made from their previous bytes${shared(splicedByWorker)}, ${kept} unchanged)`);
  if (run.failed()) {
    await writer?.abort();
    return run.done(index);
  }
  const syndication = (await syndicated) ?? makeSyndication(plan, routes, redirects, ctx, ctx.harvest?.all());
  // The second thread has nothing left to do: it ends (~15-20 ms, its heap freed) while this one writes the
  // last files; build() waits for it.
  void second?.close();
  const files = drop ? [] : [...rendered.files, ...syndication, ...site.files];
  run.mark("render feeds and sitemaps");
  if (!writer) return run.done(index, files);
  await writer.stage(files);
  const written = await writer.commit();
  const finished = run.done(index, [], written);
  if (stamp !== undefined && settings !== undefined && stats && finished.summary) {
    // The snapshot (or, when resumed, the edits since it) first: the stamp is what vouches for it. A site that
    // grew by a story is written whole: edits name only documents the snapshot has.
    if (edited) await writeSnapshotEdits(options.outDir, site.resumed!.base, stamp, index.now, site.resumed!.edits);
    else if (snapshot) {
      const offsets = { zone: index.config.timeZone, tz: zoneData(), pairs: ctx.time.offsets() };
      await writeSnapshot(options.outDir, { inputs: stamp, settings, now: index.now, files: snapshotFiles(stats, index), offsets }, snapshot);
    }
    await writeStamp(options.outDir, { inputs: stamp, validFrom: index.now, validUntil: finished.summary.changesAt, summary: finished.summary, warnings: finished.diagnostics });
    if (edited) snapshotSiteCommitted(options.outDir);
  }
  run.mark("write");
  return { ...finished, stages: run.done().stages };
}

/** The last build's site with only article bodies changed, when that is all that changed (see build-resume.ts). */
async function resumeSite(options: BuildOptions): Promise<PrepareResult | undefined> {
  const run = resume(options);
  const resumed = resumable(options, options.checked);
  if (!resumed) return undefined;
  const { files, draftSlugs } = resumed.snapshot;
  // Stories published: the site indexed again with them; otherwise the last build's, edits in.
  const { grown } = resumed;
  const recipe = grown ? { ...resumed.snapshot.recipe, index: grown.index } : resumed.snapshot.recipe;
  const { routes, redirects } = grown ?? resumed.snapshot;
  // The templates are the last build's (their files are unchanged), compiled again.
  const compiled = compileTemplates((await loadTemplates(options.templatesDir)).templates);
  if (!compiled.templates) return undefined;
  // Validation would warn again of what it warned of last time, where the front matter it reads is the same; an
  // article whose front matter changed was validated again, and has the warnings it has now.
  const { revalidated } = resumed;
  run.push(...(options.checked?.last?.warnings ?? []).filter((d) => !revalidated?.files.has(d.file)), ...(revalidated?.warnings ?? []));
  const added = grown?.added ?? 0;
  // The stories added were validated too; the other files validated again are edited front matters.
  const fronts = (revalidated?.files.size ?? 0) - added;
  const bodies = resumed.edited.size - fronts;
  const edited = [
    ...(bodies > 0 || (fronts === 0 && added === 0) ? [`${bodies} ${bodies === 1 ? "body" : "bodies"} edited`] : []),
    ...(fronts > 0 ? [`${fronts} front ${fronts === 1 ? "matter" : "matters"} edited`] : []),
    ...(added > 0 ? [`${added} ${added === 1 ? "story" : "stories"} added`] : []),
  ];
  run.mark(`resume (${edited.join(", ")}${resumed.kept ? ", the site kept in memory" : ""})`);
  const ctx = await viewContext(recipe);
  // The zone's offsets the snapshot's build found, where the zone and its data are the same.
  const { offsets } = resumed;
  if (offsets && offsets.zone === recipe.index.config.timeZone && offsets.tz === zoneData()) ctx.time.knowOffsets(offsets.pairs);
  return { ...run.done(recipe.index), site: { index: recipe.index, routes, redirects, ctx, templates: compiled.templates, files, draftSlugs, resumed: { edited: resumed.edited, kept: resumed.kept, base: resumed.base, edits: resumed.edits, ...(grown && { grown }), ...(resumed.everywhere && { everywhere: true }), ...(resumed.redated && { redated: true }) } } };
}

/** load → validate → index → routes → images: the build up to rendering, which the dev server does on request. */
export async function prepareSite(options: BuildOptions, memory?: BuildMemory, second?: SecondThread): Promise<PrepareResult> {
  const run = resume(options);
  const clash = overlappingFolder(options.outDir, [options.contentDir, options.templatesDir]);
  if (clash !== undefined && !options.dryRun) {
    run.push(outDirUnsafe(options.outDir, { problem: `the output folder overlaps ${clash}`, hint: "Build into a folder of its own (e.g. --out public): the build replaces the output folder as a whole." }));
    return run.done();
  }
  const unfit = options.dryRun ? undefined : outputFolderProblem(options.outDir);
  if (unfit) {
    run.push(outDirUnsafe(options.outDir, unfit));
    return run.done();
  }
  // A build killed between the two renames of the swap left the previous site aside: put it back first,
  // even if this build then fails.
  if (!options.dryRun) await recoverInterruptedSwap(path.resolve(options.outDir));
  const missing = missingFolders(options.contentDir, options.templatesDir);
  if (missing.length > 0) {
    run.push(...missing);
    return run.done();
  }

  const cacheDir = contentCacheDir(options.contentDir, options.cacheDir);
  // A dry run (`check`) reads the cache but leaves it as it was.
  const parsed = memory?.parseCache ?? openParseCache(cacheDir, options.contentDir, { fresh: options.noCache === true });
  // Without a memo of their own (the dev server's), articles are read as they are parsed (see readAhead).
  const ahead = memory ? undefined : readAhead();
  const [loaded, content, theme] = await Promise.all([
    loadConfig(options.contentDir, { ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }) }).then((made) => (ahead?.settings(made.config), made)),
    loadContent(options.contentDir, parsed, { ...(options.checked?.stats && { stats: options.checked.stats }), ...(second && { second }), ...(ahead && { parsedArticle: ahead.parsed }) }),
    loadTemplates(options.templatesDir),
  ]);
  run.push(...loaded.diagnostics, ...content.diagnostics);
  // A dry run (`check`) leaves the cache as it was. With a second thread, the cache is saved once that thread
  // has the site (see renderAndWrite), not while it waits for it: 40-60 ms at 4,000 articles.
  const save = !options.dryRun || memory ? () => parsed.save() : async () => {};
  const stop = async (index?: SiteIndex) => {
    if (second) await save();
    return run.done(index);
  };
  if (!second) await save();
  run.mark("load");
  const compiled = compileTemplates(theme.templates);
  run.push(...compiled.diagnostics);
  if (!loaded.config || !compiled.templates) return stop();
  const config = loaded.config;
  // The second thread makes the views of every story's times while it waits for the site (see KnownTime): in a
  // build that renders every page. Not while it checks a restored folder against the manifest (a CI run), whose
  // build renders few pages, and which would wait for this before taking the site.
  const cold = options.noCache === true || options.dryRun === true || !hasManifest(options.outDir);
  const times = cold ? second?.times(timeSettingsOf(config), storyTimes(content.articles)) : undefined;

  const memo = memory?.articles ?? ahead?.memo;
  const valid = validateContent(content, config, { drafts: options.drafts ?? false, ...(memo && { memo }) });
  const media = content.media.map((file) => ({ path: `media/${file}`, copyFrom: path.join(options.contentDir, "media", file) }));
  // The parsed documents are not needed any more: a big build's memory is what it keeps.
  content.articles.length = 0;
  content.pages.length = 0;

  run.push(...valid.diagnostics);
  run.mark("validate");
  const mediaDir = path.join(options.contentDir, "media");
  const index = buildSiteIndex(valid.articles, valid.pages, config, options.now, { future: options.future ?? false });
  const urls = makeUrls(config);
  const pictures = (encode = true) =>
    processImages(imageRequests(index), {
      mediaDir,
      cacheDir,
      urls,
      ...(options.imageEncoder && { encoder: options.imageEncoder }),
      encode: encode && options.encodeImages !== false,
    });
  if (run.failed()) {
    // The stories that passed are indexed all the same, for the mistakes found only later: their pictures are
    // read (and encoded, as a build does), so that one missing or broken is listed with the others, not after
    // they are fixed.
    // Read through and probed as check does, not encoded: the encodes wait for a build that can use them.
    run.push(...(await pictures(false)).diagnostics);
    // Aliases too, against the pages of those stories (a subset of the site's: no collision found is false).
    run.push(...planRedirects(index, planRoutes(index)).diagnostics);
    return stop();
  }

  const routes = planRoutes(index);
  const { redirects, diagnostics: aliasProblems } = planRedirects(index, routes);
  run.push(...aliasProblems);
  run.mark("index");
  if (run.failed()) return stop(index);
  const assets = planAssets(theme.assets, urls);
  const images = await pictures();
  run.push(...images.diagnostics);
  run.mark("images");
  if (run.failed()) return stop(index);
  const ctx = await viewContext({ index, images: images.images, assets: assets.urlOf });
  // Taken when they come, whether before the first page or during the pages.
  void times?.then((views) => views && ctx.time.know(views));
  const files = [...assets.files, ...media, ...images.files];
  return {
    ...run.done(index),
    site: { index, routes, redirects, ctx, templates: compiled.templates, files, draftSlugs: valid.draftSlugs, ...(second && { saveParseCache: save }), ...(content.changedWhileRead && { unstamped: true }) },
  };
}

/** The `date:` and `updated:` texts of the stories' front matters. */
function storyTimes(articles: RawDocument[]): string[] {
  const texts: string[] = [];
  for (const { data } of articles) {
    const value = data.value as Record<string, unknown> | null;
    if (typeof value?.date === "string") texts.push(value.date);
    if (typeof value?.updated === "string") texts.push(value.updated);
  }
  return texts;
}

/** Diagnostics and stage timings of one build, carried on from an earlier part of it (`so far`). */
function resume(options: BuildOptions, soFar?: BuildResult) {
  const found: Diagnostic[] = [...(soFar?.diagnostics ?? [])];
  const stages: [string, number][] = [...(soFar?.stages ?? [])];
  let since = performance.now();
  const failed = () => hasErrors(found);
  return {
    push: (...more: Diagnostic[]) => found.push(...(options.strict ? more.map(asError) : more)),
    failed,
    mark(stage: string) {
      const at = performance.now();
      stages.push([stage, Math.round(at - since)]);
      since = at;
    },
    done: (index?: SiteIndex, files: OutputFile[] = [], written?: WriteReport): BuildResult => ({
      ok: !failed(),
      diagnostics: sortDiagnostics(found),
      ...(index && { index }),
      ...(index && !failed() && { summary: summaryOf(index, written?.files ?? files.length) }),
      files,
      ...(written && { written }),
      stages,
    }),
  };
}

function summaryOf(index: SiteIndex, files: number): BuildSummary {
  const next = index.scheduled[0];
  return {
    files,
    articles: index.articles.length,
    timeZone: index.config.timeZone,
    ...(next && { next: { file: next.file, date: next.date } }),
    moreScheduled: Math.max(0, index.scheduled.length - 1),
    changesAt: sameSiteUntil(index),
  };
}

/** The output folder refused: said of the folder, with why and what to do. */
function outDirUnsafe(outDir: string, { problem, hint }: { problem: string; hint: string }): Diagnostic {
  return error("out-dir-unsafe", outDir, { line: 0, column: 0 }, problem, { hint });
}

function asError(d: Diagnostic): Diagnostic {
  return d.severity === "warning" ? { ...d, severity: "error", hint: `${d.hint ?? ""} (an error because of --strict)`.trim() } : d;
}
