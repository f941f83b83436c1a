import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { prepareSite, type BuildMemory, type PreparedSite } from "../build.js";
import { openParseCache } from "../content/parse-cache.js";
import { readContentFile } from "../content/load-content.js";
import { displayPath } from "../config/display-path.js";
import { readArticle } from "../validate/read-article.js";
import { pageRenderer, type PageRenderer } from "../render/render-pages.js";
import { renderSyndication } from "../render/render-syndication.js";
import { makeSourceReader } from "../content/source-reader.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { formatDiagnostic } from "../errors/format.js";
import type { Article, Instant, OutputFile, SiteConfig } from "../model.js";
import { EVENTS_PATH, contentType, errorOverlay, injectReload } from "./pages.js";
import { watchFolders } from "./watch.js";

export interface DevOptions {
  contentDir: string;
  templatesDir: string;
  host: string;
  port: number;
  now: () => Instant;
}

export type DevEvent =
  | { kind: "listening"; url: string }
  | { kind: "built"; files: number; articles: number; ms: number; changed: string[]; warnings: Diagnostic[] }
  | { kind: "failed"; changed: string[]; diagnostics: Diagnostic[] }
  | { kind: "crashed"; changed: string[]; message: string };

export interface DevServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the site in memory (drafts and scheduled articles included, nothing written to disk, so
 * public/ is never touched), serves it, rebuilds on every change under content/ and templates/, and
 * tells open tabs to reload over server-sent events. A failed build keeps the server up and serves
 * the problems instead of every page until a build succeeds again.
 */
export async function startDevServer(options: DevOptions, log: (event: DevEvent) => void): Promise<DevServer> {
  let site: DevSite | undefined;
  let problems: string | undefined;
  const clients = new Set<ServerResponse>();
  // Kept from one build to the next: only changed files are parsed and validated again.
  const memory: BuildMemory = {
    parseCache: openParseCache(path.join(path.dirname(path.resolve(options.contentDir)), ".broadsheet-cache"), options.contentDir, { fresh: false }),
    articles: new Map(),
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((cause: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(`Internal error: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}/`;

  // A rebuild stops before rendering: pages are rendered when a browser asks for them (a 10,000-article site
  // would take seconds to render whole, one page takes a millisecond), so an edit is served at once.
  async function rebuild(changed: string[]): Promise<void> {
    const started = performance.now();
    try {
      const result = await prepareSite(
        {
          contentDir: options.contentDir,
          templatesDir: options.templatesDir,
          outDir: "(memory)",
          now: options.now(),
          drafts: true,
          future: true,
          baseUrl: url,
          dryRun: true,
        },
        memory,
      );
      const renderer = result.site && pageRenderer(result.site.ctx, result.site.templates);
      if (result.ok && result.site && renderer && !("diagnostic" in renderer)) {
        site = devSite(result.site, renderer);
        problems = undefined;
        const warnings = result.diagnostics.filter((d) => d.severity === "warning");
        const ms = Math.round(performance.now() - started);
        log({ kind: "built", files: site.count, articles: result.index?.articles.length ?? 0, ms, changed, warnings });
      } else {
        const diagnostics = renderer && "diagnostic" in renderer ? [...result.diagnostics, renderer.diagnostic] : result.diagnostics;
        const source = makeSourceReader();
        problems = diagnostics.map((d) => formatDiagnostic(d, source)).join("\n\n");
        log({ kind: "failed", changed, diagnostics });
      }
    } catch (cause) {
      // An I/O failure or a bug: still shown in the browser, and the next save tries again.
      problems = cause instanceof Error ? cause.message : String(cause);
      log({ kind: "crashed", changed, message: problems });
    }
    for (const client of clients) client.write(`event: reload\ndata: ${JSON.stringify({ ok: problems === undefined })}\n\n`);
  }

  /**
   * The common edit, a story's body, without a rebuild: when every changed file is an article whose front
   * matter reads exactly as before, its body is replaced in the site in memory and pages render again on
   * request. Anything else (a headline, a date, a new file, a template) is a rebuild.
   */
  function bodyEdits(changed: string[]): boolean {
    if (!site || problems !== undefined) return false;
    const edits: [Article, Article][] = [];
    for (const abs of changed) {
      const old = site.articleAt(abs);
      if (!old || !abs.endsWith(".md")) return false;
      const read = readContentFile(options.contentDir, abs);
      const diagnostics = [...read.diagnostics];
      const next = read.doc && readArticle(read.doc, site.config, site.media, diagnostics);
      if (!next || diagnostics.length > 0 || !sameFrontMatter(old, next)) return false;
      edits.push([old, next]);
    }
    for (const [old, next] of edits) {
      Object.defineProperty(old, "body", { value: next.body, enumerable: true, configurable: true });
      Object.assign(old, { bodyLine: next.bodyLine, source: next.source });
      // The validation memo must not hand this object out again for the file's earlier bytes.
      for (const key of memory.articles.keys()) if (key.includes(`\u0000${old.file}\u0000`)) memory.articles.delete(key);
    }
    site.forgetRendered();
    return true;
  }

  // One build at a time; changes that arrive during a build are built right after it.
  let running: Promise<void> | undefined;
  let pending: string[] | undefined;
  const schedule = (changed: string[]): void => {
    if (running) {
      pending = [...(pending ?? []), ...changed];
      return;
    }
    const started = performance.now();
    let edited = false;
    try {
      edited = bodyEdits(changed);
    } catch {
      // Whatever went wrong is met again, and reported, by the rebuild below.
    }
    if (edited) {
      log({ kind: "built", files: site!.count, articles: site!.articles, ms: Math.round(performance.now() - started), changed, warnings: [] });
      for (const client of clients) client.write(`event: reload\ndata: ${JSON.stringify({ ok: true })}\n\n`);
      return;
    }
    running = rebuild(changed).finally(() => {
      running = undefined;
      const next = pending;
      pending = undefined;
      if (next) schedule(next);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requested = new URL(req.url ?? "/", url);
    if (requested.pathname === EVENTS_PATH) return subscribe(req, res);
    if (req.method !== "GET" && req.method !== "HEAD") return send(req, res, 405, "text/plain; charset=utf-8", "Method not allowed\n");
    let pathname: string;
    try {
      pathname = decodeURIComponent(requested.pathname);
    } catch {
      return send(req, res, 400, "text/plain; charset=utf-8", "Bad request\n");
    }
    // Only the files of the build can be served: a key is a normalised path inside the site, so
    // "/../etc/passwd" or "/%2e%2e/" matches nothing and never reaches the disk.
    const key = pathname.slice(1) + (pathname.endsWith("/") ? "index.html" : "");
    const file = site?.get(key);
    if (problems === undefined && "diagnostic" in (file ?? {})) {
      const source = makeSourceReader();
      return send(req, res, 500, "text/html; charset=utf-8", errorOverlay(formatDiagnostic((file as { diagnostic: Diagnostic }).diagnostic, source)));
    }
    if (!file && site?.has(`${key}/index.html`)) {
      res.writeHead(301, { Location: `${requested.pathname}/${requested.search}` });
      res.end();
      return;
    }
    if (problems !== undefined && (!file || key.endsWith(".html"))) {
      return send(req, res, 500, "text/html; charset=utf-8", errorOverlay(problems));
    }
    if (!file || "diagnostic" in file) {
      const notFound = site?.get("404.html");
      if (!notFound || "diagnostic" in notFound) return send(req, res, 404, "text/plain; charset=utf-8", "Not found\n");
      return send(req, res, 404, "text/html; charset=utf-8", injectReload(await textOf(notFound)));
    }
    const type = contentType(key);
    const body = "copyFrom" in file ? await readFile(file.copyFrom) : file.contents;
    return send(req, res, 200, type, key.endsWith(".html") ? injectReload(await textOf(file)) : body);
  }

  function subscribe(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", Connection: "keep-alive" });
    res.write(": connected\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
  }

  await rebuild([]);
  const stopWatching = watchFolders([options.contentDir, options.templatesDir], schedule);
  log({ kind: "listening", url });
  return {
    url,
    close: async () => {
      stopWatching();
      for (const client of clients) client.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await running;
    },
  };
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
  res.end(req.method === "HEAD" ? undefined : body);
}

async function textOf(file: OutputFile): Promise<string> {
  if ("copyFrom" in file) return readFile(file.copyFrom, "utf8");
  return typeof file.contents === "string" ? file.contents : new TextDecoder().decode(file.contents);
}

interface DevSite {
  /** Files the site has (pages, assets, media; feeds and sitemaps once made). */
  count: number;
  articles: number;
  config: SiteConfig;
  /** Files under content/media, as validation knows them. */
  media: ReadonlySet<string>;
  has(path: string): boolean;
  /** The file at `path`, rendered on first request; a template error in it is a diagnostic. */
  get(path: string): OutputFile | { diagnostic: Diagnostic } | undefined;
  /** The article read from the file at `abs`. */
  articleAt(abs: string): Article | undefined;
  /** Pages, feeds and sitemaps render again on their next request. */
  forgetRendered(): void;
}

function devSite(prepared: PreparedSite, renderer: PageRenderer): DevSite {
  const routes = new Map(prepared.routes.map((r) => [r.outPath, r]));
  const files = new Map(prepared.files.map((f) => [f.path, f]));
  const { index } = prepared.ctx;
  const byFile = new Map(index.articles.map((a) => [a.file, a]));
  const rendered = new Map<string, OutputFile | { diagnostic: Diagnostic }>();
  let syndication: string[] | undefined;
  // Feeds, sitemaps and redirect pages are made together, the first time one of them is asked for.
  const others = () => {
    if (syndication) return;
    const made = renderSyndication(prepared.routes, prepared.redirects, prepared.ctx);
    for (const f of made) files.set(f.path, f);
    syndication = made.map((f) => f.path);
  };
  const has = (p: string) => routes.has(p) || files.has(p) || (others(), files.has(p));
  return {
    count: routes.size + files.size,
    articles: index.articles.length,
    config: index.config,
    media: new Set(prepared.files.filter((f) => "copyFrom" in f && f.path.startsWith("media/")).map((f) => f.path.slice("media/".length))),
    has,
    get(p) {
      const route = routes.get(p);
      if (!route) return has(p) ? files.get(p) : undefined;
      let page = rendered.get(p);
      if (!page) {
        const result = renderer.render(route);
        rendered.set(p, (page = "diagnostic" in result ? result : { path: p, contents: result.html }));
      }
      return page;
    },
    articleAt: (abs) => byFile.get(displayPath(abs)),
    forgetRendered() {
      rendered.clear();
      for (const p of syndication ?? []) files.delete(p);
      syndication = undefined;
    },
  };
}

/** Everything but the body: what lists, feeds and other pages show of an article. */
function sameFrontMatter(a: Article, b: Article): boolean {
  const { body: _a, bodyLine: _al, source: _as, ...left } = a;
  const { body: _b, bodyLine: _bl, source: _bs, ...right } = b;
  return JSON.stringify(left) === JSON.stringify(right) && !a.bodyHasImages && !b.bodyHasImages;
}
