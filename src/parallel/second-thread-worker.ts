import { parentPort } from "node:worker_threads";
import type { TemplateSource } from "../config/load-templates.js";
import { withBodyFrom } from "../content/body-file.js";
import { parseFile, type FileOutcome } from "../content/parse-file.js";
import type { Route } from "../model.js";
import { compileTemplates } from "../render/eta.js";
import { asPageBytes, pageRenderer, utf8, type PageRenderer, type RenderResult } from "../render/render-pages.js";
import { makeSyndication, type SyndicationFile, type SyndicationPlan } from "../render/render-syndication.js";
import { viewContext } from "../render/view-context.js";
import { hashBytes } from "../write/manifest.js";
import { previousBytes } from "../write/previous-page.js";
import { spliceBlocks } from "../render/splice.js";
import { feedHarvest, type HarvestedBody } from "../render/feeds/feed-harvest.js";
import type { ViewContext } from "../render/view-model.js";
import type { Redirect } from "../routes/plan-redirects.js";
import { loadManifest, type Manifest } from "../write/manifest.js";
import { renderedSite } from "../write/site-snapshot.js";
import { knownTimes, sameTimes, timeSettingsOf, type KnownTime, type TimeSettings } from "../render/dates.js";

// The build's second thread (see second-thread.ts): parses the files it is sent; once given the site as plain
// data (the index, routes, images, asset URLs, template sources; serialized, which keeps the articles the index
// and the routes share shared), rebuilds the main thread's context and renders the routes it is sent.

export interface WorkerInit {
  /** The index, images, asset URLs and routes, as the snapshot's big file holds them (see renderedSite). */
  site: Uint8Array;
  templates: readonly TemplateSource[];
  /** Pages are rendered to be checked, and dropped (`check`): only a failure comes back. */
  drop?: boolean;
  /** The files of the stories whose feed bodies are made beside their pages (see feeds/feed-harvest.ts). */
  feedFiles?: string[];
}

export type Request =
  | { id: number; parse: [string, string][] }
  | { id: number; manifest: string; tool: string }
  | { id: number; init: WorkerInit }
  | { id: number; routes: number[] }
  | { id: number; syndication: SyndicationPlan; redirects: Redirect[]; bodies?: HarvestedBody[]; bytes?: boolean }
  | { id: number; splice: SpliceJob }
  | { id: number; times: TimeSettings; texts: string[] };

/**
 * Pages to make from their previous bytes (output path, hash of those bytes, the names of the blocks to
 * replace in them, how many times each must be found, and how this build saw the file when it checked those
 * bytes, if it did: see previousBytes), with each named block's old bytes replaced by its new ones.
 */
export interface SpliceJob {
  folder: string;
  blocks: Record<string, [Uint8Array, Uint8Array]>;
  pages: [string, string, string[], number[], (string | undefined)?][];
}

/** A page made from its previous bytes, or null when they were not as expected (the main thread renders it). */
export type Spliced = { bytes: Uint8Array; hash: string } | null;

/** A request's answer, or the thread saying it is ready for render jobs. */
export type Reply =
  | { id: number; outcomes: FileOutcome[] }
  | { id: number; manifest: Manifest | null }
  | { id: number; results: RenderResult[]; feeds?: HarvestedBody[] }
  | { id: number; files: SyndicationFile[] }
  | { id: number; spliced: Spliced[] }
  | { id: number; times: KnownTime[] }
  | { ready: true };

const port = parentPort!;
let site: { renderer: PageRenderer; routes: Route[]; ctx: ViewContext; drop: boolean } | undefined;
/** The stories' times made before the site came (see KnownTime), with the settings they were made with. */
let known: { settings: TimeSettings; views: KnownTime[] } | undefined;
/** A feed or sitemap as UTF-8, with its hash (see PlannedFile). */
function asFileBytes(file: SyndicationFile): SyndicationFile {
  if (!("contents" in file) || typeof file.contents !== "string") return file;
  const contents = utf8(file.contents);
  return { ...file, contents, hash: hashBytes(contents) };
}

/** What a dropped page comes back as (see WorkerInit.drop). */
const DROPPED = { html: "" } as const;

async function start(init: WorkerInit): Promise<void> {
  const { recipe, routes } = renderedSite(init.site);
  // Bodies came as file and offset (see withBodyFrom): this copy reads them itself.
  for (const doc of [...recipe.index.articles, ...recipe.index.pages]) withBodyFrom(doc);
  const ctx = await viewContext(recipe);
  if (known && sameTimes(known.settings, timeSettingsOf(recipe.index.config))) ctx.time.know(known.views);
  known = undefined;
  const { templates } = compileTemplates([...init.templates]);
  if (init.feedFiles) ctx.harvest = feedHarvest(ctx, new Set(init.feedFiles));
  const renderer = templates && pageRenderer(ctx, templates);
  // The main thread got past the same steps; if they fail here, throwing hands every job back to it.
  if (!renderer || "diagnostic" in renderer) throw new Error("second thread: the templates did not compile as on the main thread");
  site = { renderer, routes, ctx, drop: init.drop === true };
  port.postMessage({ ready: true } satisfies Reply);
}

async function answer(request: Request): Promise<void> {
  if ("manifest" in request) {
    port.postMessage({ id: request.id, manifest: (await loadManifest(request.manifest, request.tool)) ?? null } satisfies Reply);
  } else if ("times" in request) {
    const views = await knownTimes(request.times, request.texts);
    known = { settings: request.times, views };
    port.postMessage({ id: request.id, times: views } satisfies Reply);
  } else if ("parse" in request) {
    port.postMessage({ id: request.id, outcomes: request.parse.map(([abs, file]) => parseFile(abs, file)) } satisfies Reply);
  } else if ("syndication" in request) {
    const { routes, ctx } = site!;
    const made = makeSyndication(request.syndication, routes, request.redirects, ctx, request.bodies);
    // Encoded and hashed here, as pages are, for a build that writes them: the main thread only writes them.
    const files = request.bytes ? made.map(asFileBytes) : made;
    const moved = files.flatMap((f) => ("contents" in f && typeof f.contents !== "string" ? [f.contents.buffer as ArrayBuffer] : []));
    port.postMessage({ id: request.id, files } satisfies Reply, moved);
  } else if ("splice" in request) {
    const { folder, blocks, pages } = request.splice;
    const spliced = pages.map(([outPath, hash, names, counts, seen]): Spliced => {
      const old = previousBytes(folder, outPath, hash, seen);
      const bytes = old && spliceBlocks(old, names.map((name) => blocks[name]!), counts);
      return bytes ? { bytes, hash: hashBytes(bytes) } : null;
    });
    const moved = spliced.flatMap((r) => (r ? [r.bytes.buffer as ArrayBuffer] : []));
    port.postMessage({ id: request.id, spliced } satisfies Reply, moved);
  } else if ("routes" in request) {
    const { renderer, routes, drop, ctx } = site!;
    // Pages go back encoded and hashed, their bytes moved rather than copied: the main thread only writes them.
    const results = request.routes.map((i) => {
      const result = renderer.render(routes[i]!);
      return drop && "html" in result ? DROPPED : asPageBytes(result);
    });
    const moved = results.flatMap((r) => ("bytes" in r ? [r.bytes.buffer as ArrayBuffer] : []));
    // The feed bodies made with these pages go back with them (see feeds/feed-harvest.ts).
    const feeds = ctx.harvest?.take() ?? [];
    port.postMessage({ id: request.id, results, ...(feeds.length > 0 && { feeds }) } satisfies Reply, moved);
  }
}

// Requests are answered in the order they came: one sent right after the site waits for it to be set up.
let last = Promise.resolve();
port.on("message", (request: Request) => {
  // A failure is an unhandled rejection, which ends the thread: the main thread then does everything itself.
  last = last.then(() => ("init" in request ? start(request.init) : answer(request)));
});
