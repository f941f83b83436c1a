// One-off measurement, not a CI gate: Lighthouse (pinned 12.2.3, the last line that runs on Node 20)
// against an article page of the built site in public/, with Debian's Chromium.
// Usage: npm run lighthouse [-- /category/slug/]    (default: the home page's lead story)
import { createReadStream } from "node:fs";
import { readFile, stat, mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const root = path.resolve("public");
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".xml": "application/xml", ".jpg": "image/jpeg", ".png": "image/png", ".svg": "image/svg+xml", ".webp": "image/webp", ".avif": "image/avif" };

// A static host as the site will have: folders answer with index.html, misses with 404.html,
// fingerprinted assets cached for a year.
const server = createServer(async (req, res) => {
  const url = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  let file = path.join(root, url.endsWith("/") ? `${url}index.html` : url);
  const found = file.startsWith(root) && (await stat(file).catch(() => null))?.isFile();
  if (!found) file = path.join(root, "404.html");
  const headers = { "content-type": types[path.extname(file)] ?? "application/octet-stream" };
  if (url.startsWith("/assets/")) headers["cache-control"] = "public, max-age=31536000, immutable";
  res.writeHead(found ? 200 : 404, headers);
  createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const home = await readFile(path.join(root, "index.html"), "utf8");
const page = process.argv[2] ?? /class="lead-story"[\s\S]*?<a href="([^"]+)"/.exec(home)?.[1];
if (!page) throw new Error("no article URL given and no lead story on the home page");

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  const scores = {};
  for (const formFactor of ["mobile", "desktop"]) {
    const config = formFactor === "desktop" ? (await import("lighthouse/core/config/desktop-config.js")).default : undefined;
    const result = await lighthouse(origin + page, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility", "best-practices", "seo"] }, config);
    const { categories, audits } = result.lhr;
    scores[formFactor] = Object.fromEntries(Object.values(categories).map((c) => [c.id, Math.round(c.score * 100)]));
    const failing = Object.values(categories).flatMap((c) =>
      c.auditRefs.filter((r) => r.weight > 0 && audits[r.id].score !== null && audits[r.id].score < 1).map((r) => `${c.id}: ${audits[r.id].title} (${audits[r.id].displayValue ?? audits[r.id].score})`),
    );
    await mkdir("tests/artifacts", { recursive: true });
    await writeFile(`tests/artifacts/lighthouse-${formFactor}.json`, result.report);
    console.log(`${formFactor} ${page}`, scores[formFactor]);
    for (const f of failing) console.log(`  limited by  ${f}`);
  }
} finally {
  await chrome.kill();
  server.close();
}
