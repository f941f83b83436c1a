import type { Article, Instant, OutputFile, Route, SiteIndex } from "../model.js";
import { outputPath, type Urls } from "../routes/urls.js";
import type { TimeFormatter } from "./dates.js";
import { lastModified } from "./feeds/feed-data.js";
import { element, parent, XML_DECLARATION } from "./xml.js";
import { maxOf } from "./extremes.js";

const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9";
/** sitemaps.org: at most 50,000 URLs and 50 MB (uncompressed) per file. */
export const SITEMAP_LIMITS = { urls: 50_000, bytes: 50 * 1024 * 1024 };
/** Google News: articles of the last two days, at most 1,000 per sitemap. */
export const NEWS_WINDOW_MS = 2 * 24 * 60 * 60 * 1000;
const NEWS_MAX = 1000;

export interface SitemapEntry {
  loc: string;
  lastmod?: Instant;
}

/** Every public page (not the 404 page, not redirects), with when it last changed where that is known. */
export function sitemapEntries(routes: Route[], index: SiteIndex, urls: Urls): SitemapEntry[] {
  const newest = (list: Article[]) => maxOf(list.map(lastModified));
  const entries: SitemapEntry[] = [];
  for (const route of routes) {
    if (route.kind === "notFound") continue;
    const lastmod = route.kind === "article" ? lastModified(route.article) : route.kind === "home" ? newest(index.articles) : "items" in route ? newest(route.items) : undefined;
    entries.push({ loc: urls.absolute(route.url), ...(lastmod !== undefined && { lastmod }) });
  }
  return entries;
}

/**
 * /sitemap.xml: one urlset, or, over the limits, a sitemap index of /sitemap-1.xml, /sitemap-2.xml, …
 * `limits` is a parameter so tests can split a small site.
 */
export function renderSitemaps(entries: SitemapEntry[], urls: Urls, basePath: string, time: TimeFormatter, limits = SITEMAP_LIMITS): OutputFile[] {
  const lastmod = (instant?: Instant) => (instant === undefined ? [] : [element("lastmod", {}, time.iso(instant))]);
  const parts = splitSitemap(entries.map((e) => parent("url", {}, [element("loc", {}, e.loc), ...lastmod(e.lastmod)])), limits);
  const urlset = (lines: string[]) => `${XML_DECLARATION}\n${parent("urlset", { xmlns: SITEMAP_NS }, lines)}\n`;
  if (parts.length === 1) return [{ path: outputPath(urls.sitemap(), basePath), contents: urlset(parts[0]!) }];

  const files: OutputFile[] = [];
  const index: string[] = [];
  let offset = 0;
  parts.forEach((lines, i) => {
    const url = urls.sitemap(i + 1);
    const newest = maxOf(entries.slice(offset, (offset += lines.length)).flatMap((e) => e.lastmod ?? []));
    index.push(parent("sitemap", {}, [element("loc", {}, urls.absolute(url)), ...lastmod(newest)]));
    files.push({ path: outputPath(url, basePath), contents: urlset(lines) });
  });
  const sitemapIndex = `${XML_DECLARATION}\n${parent("sitemapindex", { xmlns: SITEMAP_NS }, index)}\n`;
  return [{ path: outputPath(urls.sitemap(), basePath), contents: sitemapIndex }, ...files];
}

/** Groups `<url>` elements into files that each stay within the URL count and byte limits. */
export function splitSitemap(lines: string[], limits: { urls: number; bytes: number }): string[][] {
  // Room for the XML declaration, the <urlset> wrapper and newlines.
  const overhead = 200;
  const parts: string[][] = [[]];
  let bytes = overhead;
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    const current = parts.at(-1)!;
    if (current.length > 0 && (current.length >= limits.urls || bytes + size > limits.bytes)) {
      parts.push([line]);
      bytes = overhead + size;
    } else {
      current.push(line);
      bytes += size;
    }
  }
  return parts;
}

/** /news-sitemap.xml: articles published in the two days before the build's clock, newest first. */
export function renderNewsSitemap(index: SiteIndex, urls: Urls, time: TimeFormatter): OutputFile {
  const { config } = index;
  const recent = newsSitemapArticles(index);
  const publication = parent("news:publication", {}, [element("news:name", {}, config.title), element("news:language", {}, newsLanguage(config.language))]);
  const items = recent.map((a) =>
    parent("url", {}, [
      element("loc", {}, urls.absolute(urls.article(a))),
      parent("news:news", {}, [publication, element("news:publication_date", {}, time.iso(a.date)), element("news:title", {}, a.title)]),
    ]),
  );
  // An empty urlset is still a valid news sitemap: a quiet weekend is not an error.
  const body = parent("urlset", { xmlns: SITEMAP_NS, "xmlns:news": NEWS_NS }, items);
  return { path: outputPath(urls.newsSitemap(), config.basePath), contents: `${XML_DECLARATION}\n${body}\n` };
}

/** The articles of the news sitemap: published in the two days before the build's clock, at most 1,000. */
export function newsSitemapArticles(index: SiteIndex): Article[] {
  const { now } = index;
  return index.articles.filter((a) => a.date <= now && a.date > now - NEWS_WINDOW_MS).slice(0, NEWS_MAX);
}

/** Google News wants ISO 639 codes, except zh-cn and zh-tw for Chinese. */
function newsLanguage(tag: string): string {
  const lower = tag.toLowerCase();
  if (lower.startsWith("zh")) return /hant|tw|hk|mo/.test(lower) ? "zh-tw" : "zh-cn";
  return lower.split("-")[0]!;
}
