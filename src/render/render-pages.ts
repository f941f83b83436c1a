import type { Diagnostic } from "../errors/diagnostic.js";
import type { Article, OutputFile, Page, Pagination, Route } from "../model.js";
import { readAlso } from "../site/build-site-index.js";
import type { Templates } from "./eta.js";
import { headView } from "./head-meta.js";
import { readAlsoInputs, routeInputs, sharedInputs, sharedReadAlso, showsAny } from "./fingerprint.js";
import { renderQueue, type ParallelOptions, type RenderedRoute } from "./parallel/render-queue.js";
import { excerpt } from "./excerpt.js";
import { LATEST_NEWS, printsBlockAsIs, printsReadAlsoAsItems, readAlsoBlock, splicer } from "./splice.js";
import { randomUUID } from "node:crypto";
import { asPageBytes, pageBuffers, utf8, withBlock, type PageResult, type RenderResult, type SharedBlock } from "./page-bytes.js";
import { articleView, embedScriptFor, itemView, siteView, type ItemView, type SiteView, type ViewContext } from "./view-model.js";
import { maxOf } from "./extremes.js";

export interface PaginationView {
  number: number;
  total: number;
  prev?: string;
  next?: string;
  pages: { number: number; url: string; current: boolean }[];
}

export interface PageMeta {
  kind: Route["kind"];
  /** The document title, without the site name. */
  title: string;
  description: string;
  url: string;
  canonical: string;
}

const TEMPLATE: Record<Route["kind"], string> = {
  home: "@home",
  article: "@article",
  page: "@page",
  archive: "@list",
  category: "@list",
  author: "@list",
  tag: "@list",
  notFound: "@404",
};

/** Where pages go as they are rendered (the write stage), so that a big site is never whole in memory. */
export interface PageSink {
  /** True when the page at `outPath` was made from the same inputs last time (it is kept, not rendered). */
  unchanged(outPath: string, inputs: string): boolean;
  /** Keeps the page at `outPath` as it was last written, known to have unchanged inputs; false if there is none. */
  keep(outPath: string): boolean;
  /** The output folder (absolute), where pages made last time are read back. */
  readonly folder: string;
  /** The hash of the page last written at `outPath`, if it was made from the same inputs but Latest news. */
  previousHash(outPath: string, base: string): string | undefined;
  /** How this build saw the file at `outPath` when it checked its bytes (see Manifest.verified), if it did. */
  seen?(outPath: string): string | undefined;
  previousBlock(name: string): string | undefined;
  keepBlock(name: string, html: string): void;
  /** Writes the pages; their bytes may be used for other pages once it resolves (see PageBuffers). */
  stage(files: RenderedPage[]): Promise<void>;
}

/** A rendered page, with the digests of its inputs, and of its inputs but Latest news (see fingerprint.ts). */
export type RenderedPage = { path: string; contents: string | Uint8Array; hash?: string; inputs?: string; base?: string };

const decoder = new TextDecoder();
/** Pages the second thread splices per message. */
const SPLICE_BATCH = 64;

/** Pages handed to the sink at a time: enough to keep the disk busy, few enough to bound memory. */
const BATCH = 256;

/**
 * Every route through its template. Blocks every page shares are rendered once, not per page. With a
 * sink, pages are handed over in batches and the result lists none; without one, it lists them all.
 */
export interface PageCounts {
  /** Pages rendered through their template. */
  rendered: number;
  /** Pages made from their previous bytes with the new Latest news. */
  spliced: number;
  /** Of the pages spliced, those the second thread spliced. */
  splicedByWorker: number;
  /** Pages whose inputs were unchanged. */
  kept: number;
  /** Of the pages rendered, those a worker thread rendered (see parallel/). */
  byWorker: number;
}

export async function renderPages(
  routes: Route[],
  ctx: ViewContext,
  templates: Templates,
  sink?: PageSink,
  parallel?: ParallelOptions & {
    /** The only documents changed since the last build, when the caller knows (pages that show none are kept). */
    touched?: ReadonlySet<Article | Page>;
    /** Called once every route of `routes` has been rendered, kept or spliced (the feeds wait for their stories' pages). */
    milestone?: { routes: ReadonlySet<number>; reached: () => void };
  },
): Promise<{ files: OutputFile[]; diagnostics: Diagnostic[]; counts: PageCounts }> {
  const counts: PageCounts = { rendered: 0, spliced: 0, splicedByWorker: 0, kept: 0, byWorker: 0 };
  const diagnostics: Diagnostic[] = [];
  const renderer = pageRenderer(ctx, templates);
  if ("diagnostic" in renderer) return { files: [], diagnostics: [renderer.diagnostic], counts };
  const { site, latestNews } = renderer.shared;
  const common = sink && sharedInputs({ templates: templates.fingerprint, config: ctx.index.config, site, assets: ctx.assets, images: ctx.images });
  const latest = sink && sharedInputs({ latestNews });
  const { index } = ctx;
  // Each category's shared Read also, and its digest (see sharedReadAlso), made once.
  const readAlso = new Map<string, string>();
  if (sink && printsReadAlsoAsItems(templates.sources)) {
    for (const category of index.byCategory.keys()) {
      const html = renderer.readAlso(category);
      if (html !== undefined) readAlso.set(category, html);
    }
  }
  const alsoDigests = new Map<string, string>();
  const alsoInputs = (category: string) => alsoDigests.get(category) ?? alsoDigests.set(category, readAlsoInputs(index, category)).get(category)!;
  sink?.keepBlock(LATEST_NEWS, latestNews);
  for (const [category, html] of readAlso) sink?.keepBlock(readAlsoBlock(category), html);
  // A theme that prints Read also otherwise: each page's base lists its Read also, as any other list.
  const readAlsoOf = (route: Route) => (readAlso.size > 0 ? sharedReadAlso(route, index) : undefined);
  const blocks = { ...(printsBlockAsIs(templates.sources) && { latestNews }), readAlso, readAlsoOf };
  const spliced = splicer(sink, blocks, renderer);
  const files: RenderedPage[] = [];
  // A batch is written while the next one renders (the file system works in libuv's threads meanwhile).
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    if (!sink || diagnostics.length > 0) return;
    const batch = files.splice(0);
    // Written: the pages' buffers are free for the next pages (see PageBuffers).
    writing = sink.stage(batch).then(() => {
      for (const page of batch) if (typeof page.contents !== "string") pageBuffers.give(page.contents);
    });
  };
  // Pages to render come back from the queue in route order, whichever thread rendered them; pages made
  // from their previous bytes (see splicer) go straight to the sink.
  const milestone = parallel?.milestone;
  const last = milestone ? maxOf(milestone.routes, -1) : -1;
  // The milestone is reached once the loop below is past its last route, and none of its routes is still
  // rendering: told as each is rendered, in either thread, not once it is handed back in route order.
  let awaited = 0;
  let passed = false;
  let reached = false;
  const check = () => {
    if (!milestone || reached || !passed || awaited > 0) return;
    reached = true;
    milestone.reached();
  };
  const rendered = (route: number) => {
    if (!milestone?.routes.has(route)) return;
    awaited--;
    check();
  };
  const queue = renderQueue(renderer, routes, ctx, templates, parallel, sink !== undefined, rendered);
  const bases: (string | undefined)[] = [];
  const take = (done: RenderedRoute[]) => {
    for (const { route, inputs, result } of done) {
      if ("diagnostic" in result) {
        diagnostics.push(result.diagnostic);
        // One broken template fails every page alike: report it once, not thousands of times.
        if (diagnostics.length >= 5) return false;
        continue;
      }
      const base = bases[route];
      // Kept in memory (no sink: a dry run), every page is HTML text, whichever thread rendered it.
      if (!sink && parallel?.drop) continue;
      const page = "html" in result ? { contents: result.html } : sink ? { contents: result.bytes, hash: result.hash } : { contents: decoder.decode(result.bytes) };
      files.push({ path: routes[route]!.outPath, ...page, ...(inputs && { inputs }), ...(base && { base }) });
    }
    return true;
  };
  const renderHere = async (i: number, base: string | undefined, inputs: string | undefined) => {
    counts.rendered++;
    bases[i] = base;
    if (milestone?.routes.has(i)) awaited++;
    return take(await queue.add(i, inputs));
  };
  const spliceHere = (i: number, base: string | undefined, inputs: string | undefined) => {
    const route = routes[i]!;
    const made = base !== undefined ? spliced.here(route, base) : undefined;
    if (made) {
      counts.spliced++;
      files.push({ path: route.outPath, contents: made.bytes, ...(inputs && { inputs }), ...(base && { base }) });
    }
    return made !== undefined;
  };
  // Pages to splice go to the second thread in batches, four at most in flight; the others are spliced here.
  type Waiting = { i: number; base: string; inputs: string | undefined; hash: string };
  const waiting: Waiting[] = [];
  const failed: Waiting[] = [];
  const away: Promise<void>[] = [];
  let inFlight = 0;
  const shareSplices = async () => {
    const batch = waiting.splice(0);
    // The second thread's answers come in between macrotasks: without this, the loop below never let them
    // in, the thread looked busy, and this thread spliced ~90% of the pages while the other one waited.
    if (inFlight > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const helper = batch.length > 0 && inFlight < 4 ? queue.helper() : undefined;
    if (!helper) {
      for (const page of batch) if (!spliceHere(page.i, page.base, page.inputs)) failed.push(page);
      return;
    }
    inFlight++;
    const job = spliced.job(batch.map((page) => ({ route: routes[page.i]!, hash: page.hash })));
    away.push(
      helper.splice(job).then((results) => {
        inFlight--;
        batch.forEach((page, k) => {
          const result = results?.[k];
          if (result === undefined) {
            if (!spliceHere(page.i, page.base, page.inputs)) failed.push(page);
          } else if (result === null) failed.push(page);
          else {
            counts.spliced++;
            counts.splicedByWorker++;
            files.push({ path: routes[page.i]!.outPath, contents: result.bytes, hash: result.hash, ...(page.inputs && { inputs: page.inputs }), base: page.base });
          }
        });
      }),
    );
  };
  try {
    let going = true;
    const changed = parallel?.touched && showsAny(parallel.touched);
    for (const [i, route] of routes.entries()) {
      if (i > last && !passed) {
        passed = true;
        // Pages wait to be rendered until a chunk of them does: a build that splices most pages (a story
        // published) would otherwise hold the milestone's last ones, and the feeds, until near its end.
        if (awaited > 0) going = take(await queue.seal());
        if (!going) break;
        check();
      }
      if (changed && !changed(route, index) && sink?.keep(route.outPath)) {
        counts.kept++;
        continue;
      }
      const base = common && routeInputs(common, route, index, readAlsoOf);
      const also = base !== undefined ? readAlsoOf(route) : undefined;
      const inputs = base && latest && sharedInputs({ base, latest, ...(also !== undefined && { also: alsoInputs(also) }) });
      if (inputs && sink?.unchanged(route.outPath, inputs)) {
        counts.kept++;
        continue;
      }
      const hash = base !== undefined && routes.length >= (parallel?.threshold ?? Infinity) ? spliced.away(route, base) : undefined;
      if (hash !== undefined && base !== undefined) {
        waiting.push({ i, base, inputs, hash });
        if (waiting.length >= SPLICE_BATCH) await shareSplices();
      } else if (!spliceHere(i, base, inputs)) {
        going = await renderHere(i, base, inputs);
        if (!going) break;
      }
      if (files.length >= BATCH) await flush();
    }
    passed = true;
    check();
    await shareSplices();
    await Promise.all(away);
    for (const { i, base, inputs } of failed) if (going) going = await renderHere(i, base, inputs);
    if (going) take(await queue.finish());
  } finally {
    await queue.close();
  }
  await flush();
  await writing;
  counts.byWorker = queue.byWorker();
  return { files, diagnostics, counts };
}

export interface PageRenderer {
  /** What every page shows alike, made once: the site view and the Latest news block. */
  shared: { site: SiteView; latestNews: string };
  render(route: Route): PageResult;
  /** A page as the bytes to write, hashed (Latest news, when printed as it is, encoded once: see SharedBlock). */
  bytes(route: Route): RenderResult;
  /** A category's shared Read also (see sharedReadAlso): each story through the item partial; undefined if one fails. */
  readAlso(category: string): string | undefined;
}

/** Renders routes one at a time (a build renders them all; the dev server, those a browser asks for). */
export function pageRenderer(ctx: ViewContext, templates: Templates): PageRenderer | { diagnostic: Diagnostic } {
  const site = siteView(ctx);
  const items = new Map<Article, ItemView>();
  const item = (a: Article) => {
    let view = items.get(a);
    if (!view) items.set(a, (view = itemView(ctx, a)));
    return view;
  };
  const latest = templates.render("@partials/latest-news", { site, items: ctx.index.latest.map(item) }, "Latest news");
  if ("diagnostic" in latest) return latest;
  const latestNews = latest.html;
  const page = (route: Route, latestNews: string) => {
    const own = pageData(route, ctx, item, site);
    const data = Object.assign({ site, latestNews }, own, { meta: headView(route, own.page, ctx) });
    return templates.render(TEMPLATE[route.kind], data, route.url);
  };
  let block: SharedBlock | undefined;
  const asIs = printsBlockAsIs(templates.sources);
  return {
    shared: { site, latestNews },
    render: (route) => page(route, latestNews),
    bytes(route) {
      if (!asIs) return asPageBytes(page(route, latestNews));
      block ??= { mark: `\0latest-news:${randomUUID()}\0`, bytes: utf8(latestNews) };
      return withBlock(page(route, block.mark), block);
    },
    readAlso(category) {
      let html = "";
      for (const article of (ctx.index.byCategory.get(category) ?? []).slice(0, ctx.index.config.readAlsoCount)) {
        const made = templates.render("@partials/item", { item: item(article) }, ctx.urls.category(category));
        if (!("html" in made)) return undefined;
        html += made.html;
      }
      return html;
    },
  };
}

function pageData(route: Route, ctx: ViewContext, item: (a: Article) => ItemView, site: SiteView): { page: PageMeta } & Record<string, unknown> {
  // Each page's data is one literal: `{ ...meta(), more }` made V8 a new hidden class for each page (see mergedData in eta.ts).
  const meta = (title: string, description = site.description ?? site.title): PageMeta => ({
    kind: route.kind,
    title,
    description,
    url: route.url,
    canonical: ctx.urls.absolute(route.url),
  });
  switch (route.kind) {
    case "home": {
      // The lead and the six after it: not a view of every article of the site (at 4,000, ~70 ms before the
      // first page, on the main thread alone).
      const all = ctx.index.articles.slice(0, 7).map(item);
      const sections = site.categories
        .map((c) => ({ category: c, items: (ctx.index.byCategory.get(c.id) ?? []).slice(0, 4).map(item) }))
        .filter((s) => s.items.length > 0);
      return { page: meta(site.title), lead: all[0], top: all.slice(1, 7), sections };
    }
    case "article": {
      const article = articleView(ctx, route.article);
      return { page: meta(article.title, article.subtitle ?? excerpt(article.html)), article, readAlso: readAlso(ctx.index, route.article).map(item) };
    }
    case "page": {
      const html = ctx.markdown.render(route.page.body);
      return { page: meta(route.page.title, route.page.subtitle ?? excerpt(html)), content: { title: route.page.title, subtitle: route.page.subtitle, html, embedScript: embedScriptFor(ctx, html) } };
    }
    case "archive":
      return listing(meta, "All news", undefined, route.items.map(item), route.pagination);
    case "category":
      return listing(meta, route.category.name, undefined, route.items.map(item), route.pagination);
    case "author":
      return listing(meta, route.author.name, route.author.bio, route.items.map(item), route.pagination);
    case "tag":
      return listing(meta, `Tag: ${route.tag.name}`, undefined, route.items.map(item), route.pagination);
    case "notFound":
      return { page: meta("Page not found") };
  }
}

function listing(
  meta: (title: string, description?: string) => PageMeta,
  heading: string,
  intro: string | undefined,
  items: ItemView[],
  pagination: Pagination,
): { page: PageMeta } & Record<string, unknown> {
  const title = pagination.number > 1 ? `${heading} (page ${pagination.number} of ${pagination.total})` : heading;
  return { page: meta(title, intro), heading, intro, items, pagination: paginationView(pagination) };
}

export function paginationView(p: Pagination): PaginationView {
  return {
    number: p.number,
    total: p.total,
    ...(p.number > 1 && { prev: p.urls[p.number - 2] }),
    ...(p.number < p.total && { next: p.urls[p.number] }),
    pages: p.urls.map((url, i) => ({ number: i + 1, url, current: i + 1 === p.number })),
  };
}
