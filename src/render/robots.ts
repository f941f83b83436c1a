import type { OutputFile, SiteConfig } from "../model.js";
import { outputPath, type Urls } from "../routes/urls.js";

/** /robots.txt: everything may be crawled; both sitemaps are named with absolute URLs, as the protocol asks. */
export function renderRobots(config: SiteConfig, urls: Urls): OutputFile {
  const lines = ["User-agent: *", "Allow: /", "", `Sitemap: ${urls.absolute(urls.sitemap())}`, `Sitemap: ${urls.absolute(urls.newsSitemap())}`];
  return { path: outputPath(urls.robots(), config.basePath), contents: `${lines.join("\n")}\n` };
}
