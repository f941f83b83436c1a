import path from "node:path";
import { loadConfig } from "./config/load-config.js";
import { loadTemplates } from "./config/load-templates.js";
import { loadContent } from "./content/load-content.js";
import { error, hasErrors, sortDiagnostics, type Diagnostic } from "./errors/diagnostic.js";
import { imageRequests } from "./media/image-requests.js";
import { processImages } from "./media/process-images.js";
import type { ImageEncoder } from "./media/sharp-encoder.js";
import type { Instant, OutputFile, SiteIndex } from "./model.js";
import { planAssets } from "./render/assets.js";
import { compileTemplates } from "./render/eta.js";
import { WORKER_THRESHOLD } from "./render/parallel/render-queue.js";
import { renderPages } from "./render/render-pages.js";
import { renderSyndication } from "./render/render-syndication.js";
import { viewContext } from "./render/view-context.js";
import { planRedirects } from "./routes/plan-redirects.js";
import { planRoutes } from "./routes/plan-routes.js";
import { makeUrls } from "./routes/urls.js";
import { buildSiteIndex } from "./site/build-site-index.js";
import { validateContent } from "./validate/validate-content.js";
import { overlappingFolder, recoverInterruptedSwap } from "./write/write-site.js";
import { openSiteWriter, type WriteReport } from "./write/site-writer.js";

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
  /** Treat warnings as errors. */
  strict?: boolean;
  /** Encoded image variants, by content hash; default: .broadsheet-cache/ beside the content folder. */
  cacheDir?: string;
  /** Replaces sharp (tests count encodes). */
  imageEncoder?: ImageEncoder;
  /** Ignore the incremental-build cache: rewrite every output file (a cold build). */
  noCache?: boolean;
  /** Pages to render before a worker thread renders part of them on a second core (0: always, and wait for it; Infinity: never). */
  workerThreshold?: number;
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
}

/** load → validate → index → render → write. Writes nothing unless every stage before succeeded. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const found: Diagnostic[] = [];
  const diagnostics = {
    push: (...more: Diagnostic[]) => found.push(...(options.strict ? more.map(asError) : more)),
  };
  const failed = () => hasErrors(found);
  const stages: [string, number][] = [];
  let since = performance.now();
  const mark = (stage: string) => {
    const at = performance.now();
    stages.push([stage, Math.round(at - since)]);
    since = at;
  };
  const done = (index?: SiteIndex, files: OutputFile[] = [], written?: WriteReport): BuildResult => ({
    ok: !failed(),
    diagnostics: sortDiagnostics(found),
    ...(index && { index }),
    files,
    ...(written && { written }),
    stages,
  });

  const clash = overlappingFolder(options.outDir, [options.contentDir, options.templatesDir]);
  if (clash !== undefined && !options.dryRun) {
    diagnostics.push(error("out-dir-unsafe", options.outDir, { line: 0, column: 0 }, `the output folder overlaps ${clash}`, {
      hint: "Build into a folder of its own (e.g. --out public): the build replaces the output folder as a whole.",
    }));
    return done();
  }
  // A build killed between the two renames of the swap left the previous site aside: put it back first,
  // even if this build then fails.
  if (!options.dryRun) await recoverInterruptedSwap(path.resolve(options.outDir));

  const [loaded, content, theme] = await Promise.all([
    loadConfig(options.contentDir, { ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }) }),
    loadContent(options.contentDir),
    loadTemplates(options.templatesDir),
  ]);
  diagnostics.push(...loaded.diagnostics, ...content.diagnostics);
  mark("load");
  const compiled = compileTemplates(theme.templates);
  diagnostics.push(...compiled.diagnostics);
  if (!loaded.config || !compiled.templates) return done();
  const config = loaded.config;

  const valid = validateContent(content, config, { drafts: options.drafts ?? false });
  const media = content.media.map((file) => ({ path: `media/${file}`, copyFrom: path.join(options.contentDir, "media", file) }));
  // The parsed documents (YAML trees kept for their positions) are a third of a big build's memory.
  content.articles.length = 0;
  content.pages.length = 0;

  diagnostics.push(...valid.diagnostics);
  mark("validate");
  if (failed()) return done();

  const index = buildSiteIndex(valid.articles, valid.pages, config, options.now, { future: options.future ?? false });
  const routes = planRoutes(index);
  const { redirects, diagnostics: aliasProblems } = planRedirects(index, routes);
  diagnostics.push(...aliasProblems);
  mark("index");
  if (failed()) return done(index);
  const urls = makeUrls(config);
  const assets = planAssets(theme.assets, urls);
  const images = await processImages(imageRequests(index), {
    mediaDir: path.join(options.contentDir, "media"),
    cacheDir: options.cacheDir ?? path.join(path.dirname(path.resolve(options.contentDir)), ".broadsheet-cache"),
    urls,
    ...(options.imageEncoder && { encoder: options.imageEncoder }),
  });
  diagnostics.push(...images.diagnostics);
  mark("images");
  if (failed()) return done(index);
  const ctx = await viewContext({ index, images: images.images, assets: assets.urlOf });
  // Pages stream into the write stage, which changes the output folder only at commit (see src/write/).
  const writer = options.dryRun ? undefined : await openSiteWriter(options.outDir, { cache: !options.noCache });
  const rendered = await renderPages(routes, ctx, compiled.templates, writer, { threshold: options.workerThreshold ?? WORKER_THRESHOLD });
  diagnostics.push(...rendered.diagnostics);
  mark("render pages");
  if (failed()) {
    await writer?.abort();
    return done(index);
  }

  const files = [...rendered.files, ...renderSyndication(routes, redirects, ctx), ...assets.files, ...media, ...images.files];
  mark("render feeds and sitemaps");
  if (!writer) return done(index, files);
  await writer.stage(files);
  const written = await writer.commit();
  mark("write");
  return done(index, [], written);
}

function asError(d: Diagnostic): Diagnostic {
  return d.severity === "warning" ? { ...d, severity: "error", hint: `${d.hint ?? ""} (an error because of --strict)`.trim() } : d;
}
