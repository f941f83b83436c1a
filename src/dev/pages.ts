// What the dev server adds to pages: the reload script, and the error overlay shown instead of every
// page while the content or templates have a mistake. Dev only: `broadsheet build` never emits these.

export const EVENTS_PATH = "/__broadsheet/events";

const RELOAD_SCRIPT = `<script>(()=>{const s=new EventSource(${JSON.stringify(EVENTS_PATH)});s.addEventListener("reload",()=>location.reload());})();</script>`;

/** The page with the reload script just before </body> (or at the end when there is none). */
export function injectReload(html: string): string {
  const at = html.lastIndexOf("</body>");
  return at === -1 ? html + RELOAD_SCRIPT : html.slice(0, at) + RELOAD_SCRIPT + html.slice(at);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page listing the problems (plain text, escaped), which reloads itself when they are fixed. */
export function errorOverlay(problems: string): string {
  return injectReload(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build error | Broadsheet</title>
<style>
body{margin:0;background:#1b1b1f;color:#eee;font:15px/1.5 system-ui,sans-serif}
main{max-width:72rem;margin:0 auto;padding:2rem}
h1{color:#ff6b6b;font-size:1.3rem}
pre{background:#111;padding:1rem;overflow:auto;white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace;border-left:4px solid #ff6b6b}
</style>
</head>
<body>
<main id="broadsheet-error-overlay">
<h1>The site could not be built</h1>
<p>Fix the file below and save: this page reloads by itself.</p>
<pre>${escapeHtml(problems)}</pre>
</main>
</body>
</html>
`);
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  json: "application/json; charset=utf-8",
  xml: "application/xml; charset=utf-8",
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  ico: "image/x-icon",
  woff: "font/woff",
  woff2: "font/woff2",
  pdf: "application/pdf",
  mp4: "video/mp4",
  webm: "video/webm",
  mp3: "audio/mpeg",
  webmanifest: "application/manifest+json",
};

export function contentType(file: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase() ?? "";
  return TYPES[ext] ?? "application/octet-stream";
}
