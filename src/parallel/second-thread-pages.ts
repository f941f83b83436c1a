import { parentPort } from "node:worker_threads";
import { holdBody, routeBodyFile, withBodyFrom } from "../content/body-file.js";
import type { Route } from "../model.js";
import { compileTemplates } from "../render/eta.js";
import { pageRenderer, type PageRenderer } from "../render/render-pages.js";
import { pageBuffers, utf8 } from "../render/page-bytes.js";
import { makeSyndication, type SyndicationFile } from "../render/render-syndication.js";
import { viewContext } from "../render/view-context.js";
import { hashBytes, loadManifest } from "../write/manifest.js";
import { previousBytes } from "../write/previous-page.js";
import { spliceBlocks } from "../render/splice.js";
import { feedHarvest } from "../render/feeds/feed-harvest.js";
import type { ViewContext } from "../render/view-model.js";
import { renderedSite } from "../write/site-snapshot.js";
import { knownTimes, sameTimes, timeSettingsOf, type KnownTime, type TimeSettings } from "../render/dates.js";
import type { Reply, Request, Spliced, WorkerInit } from "./second-thread-worker.js";

// The second thread's work besides parsing (see second-thread-worker.ts): the site's pages, feeds and splices,
// the stories' times and the manifest's check. Its modules are most of the thread's, loaded once the first
// such request comes, which is once the files are parsed in a cold build: parsing starts without them.

const port = parentPort!;
let site: { renderer: PageRenderer; routes: Route[]; ctx: ViewContext; drop: boolean } | undefined;
/** The stories' times made before the site came (see KnownTime), with the settings they were made with. */
let known: { settings: TimeSettings; views: KnownTime[] } | undefined;
/** A feed or sitemap as UTF-8, with its hash (see PlannedFile). */
function asFileBytes(file: SyndicationFile): SyndicationFile {
  if (!("contents" in file)) return file;
  const contents = typeof file.contents === "string" ? utf8(file.contents) : file.contents;
  return { ...file, contents, hash: hashBytes(contents) };
}

/** What a dropped page comes back as (see WorkerInit.drop). */
const DROPPED = { html: "" } as const;

export async function start(init: WorkerInit): Promise<void> {
  const { recipe, routes } = renderedSite(init.site);
  // Bodies came as file and offset (see withBodyFrom): this copy is sent those the main thread holds with the
  // pages to render, and reads the others itself.
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

export async function answer(request: Exclude<Request, { parse: unknown } | { init: unknown }>): Promise<void> {
  if ("manifest" in request) {
    port.postMessage({ id: request.id, manifest: (await loadManifest(request.manifest, request.tool)) ?? null } satisfies Reply);
  } else if ("times" in request) {
    const views = await knownTimes(request.times, request.texts);
    known = { settings: request.times, views };
    port.postMessage({ id: request.id, times: views } satisfies Reply);
  } else if ("syndication" in request) {
    const { routes, ctx } = site!;
    const made = makeSyndication(request.syndication, routes, request.redirects, ctx, request.bodies, request.bytes === true);
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
    for (const buffer of request.spare ?? []) pageBuffers.put(buffer);
    // The bodies the main thread sent are held while their pages render (and the feed bodies made with them).
    const files = request.routes.map((i) => routeBodyFile(routes[i]!));
    const bodies = request.bodies ?? [];
    files.forEach((file, k) => file && bodies[k] !== undefined && holdBody(file, bodies[k]));
    // Pages go back encoded and hashed, their bytes moved rather than copied: the main thread only writes them.
    const results = request.routes.map((i) => {
      if (!drop) return renderer.bytes(routes[i]!);
      const result = renderer.render(routes[i]!);
      return "html" in result ? DROPPED : result;
    });
    files.forEach((file, k) => file && bodies[k] !== undefined && holdBody(file, undefined));
    const moved = results.flatMap((r) => ("bytes" in r ? [r.bytes.buffer as ArrayBuffer] : []));
    // The feed bodies made with these pages go back with them (see feeds/feed-harvest.ts).
    const feeds = ctx.harvest?.take() ?? [];
    port.postMessage({ id: request.id, results, ...(feeds.length > 0 && { feeds }) } satisfies Reply, moved);
  }
}

