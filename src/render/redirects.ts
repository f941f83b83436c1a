import type { OutputFile } from "../model.js";
import type { Redirect } from "../routes/plan-redirects.js";
import type { Urls } from "../routes/urls.js";
import { escapeHtml } from "./eta.js";

/**
 * A page at an old path: search engines follow the canonical link and the immediate refresh (Google treats
 * both as a permanent move), people without either get a link. Static hosts cannot send a real 301.
 */
export function renderRedirects(redirects: Redirect[], urls: Urls, language: string): OutputFile[] {
  return redirects.map(({ outPath, article }) => {
    const target = escapeHtml(urls.absolute(urls.article(article)));
    const title = escapeHtml(article.title);
    const html = `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="canonical" href="${target}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url=${target}">
</head>
<body>
<p>This story has moved: <a href="${target}">${title}</a></p>
</body>
</html>
`;
    return { path: outPath, contents: html };
  });
}
