import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "../build.js";
import { makeSourceReader } from "../content/source-reader.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { formatDiagnostic } from "../errors/format.js";
import type { Instant, OutputFile } from "../model.js";
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
  let files = new Map<string, OutputFile>();
  let problems: string | undefined;
  const clients = new Set<ServerResponse>();
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

  async function rebuild(changed: string[]): Promise<void> {
    const started = performance.now();
    try {
      const result = await build({
        contentDir: options.contentDir,
        templatesDir: options.templatesDir,
        outDir: "(memory)",
        now: options.now(),
        drafts: true,
        future: true,
        baseUrl: url,
        dryRun: true,
      });
      if (result.ok) {
        files = new Map(result.files.map((f) => [f.path, f]));
        problems = undefined;
        const warnings = result.diagnostics.filter((d) => d.severity === "warning");
        const ms = Math.round(performance.now() - started);
        log({ kind: "built", files: files.size, articles: result.index?.articles.length ?? 0, ms, changed, warnings });
      } else {
        const source = makeSourceReader();
        problems = result.diagnostics.map((d) => formatDiagnostic(d, source)).join("\n\n");
        log({ kind: "failed", changed, diagnostics: result.diagnostics });
      }
    } catch (cause) {
      // An I/O failure or a bug: still shown in the browser, and the next save tries again.
      problems = cause instanceof Error ? cause.message : String(cause);
      log({ kind: "crashed", changed, message: problems });
    }
    for (const client of clients) client.write(`event: reload\ndata: ${JSON.stringify({ ok: problems === undefined })}\n\n`);
  }

  // One build at a time; changes that arrive during a build are built right after it.
  let running: Promise<void> | undefined;
  let pending: string[] | undefined;
  const schedule = (changed: string[]): void => {
    if (running) {
      pending = [...(pending ?? []), ...changed];
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
    const file = files.get(key);
    if (!file && files.has(`${key}/index.html`)) {
      res.writeHead(301, { Location: `${requested.pathname}/${requested.search}` });
      res.end();
      return;
    }
    if (problems !== undefined && (!file || key.endsWith(".html"))) {
      return send(req, res, 500, "text/html; charset=utf-8", errorOverlay(problems));
    }
    if (!file) {
      const notFound = files.get("404.html");
      if (!notFound) return send(req, res, 404, "text/plain; charset=utf-8", "Not found\n");
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
