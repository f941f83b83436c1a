import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { urlToFile } from "../helpers.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".avif": "image/avif",
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves a built site the way a static host does: folders answer with their index.html, misses with 404.html. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = path.join(root, urlToFile(url));
    const inside = file.startsWith(root + path.sep);
    const found = inside && (await stat(file).catch(() => null))?.isFile();
    const served = found ? file : path.join(root, "404.html");
    res.writeHead(found ? 200 : 404, { "content-type": TYPES[path.extname(served)] ?? "application/octet-stream" });
    if (req.method === "HEAD") return void res.end();
    createReadStream(served).on("error", () => res.end()).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    }),
  };
}
