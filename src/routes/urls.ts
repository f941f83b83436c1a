import path from "node:path/posix";
import type { Article, SiteConfig } from "../model.js";

// The only place a URL or an output path is made. URLs are site-absolute paths that start with the
// site's basePath ("/" or "/sub/"); output paths are relative to the output folder.

/** First path segments the site itself uses; no page slug or category id may take them. */
export const RESERVED_SLUGS = ["news", "authors", "tags", "assets", "media", "page", "feed", "search", "404"];

export interface Urls {
  home(): string;
  article(article: Pick<Article, "category" | "slug">): string;
  category(id: string, page?: number): string;
  archive(page?: number): string;
  author(id: string, page?: number): string;
  tag(slug: string, page?: number): string;
  page(slug: string): string;
  asset(file: string): string;
  media(file: string): string;
  notFound(): string;
  /** A feed, site-wide or of one category. */
  feed(format: FeedFormat, category?: string): string;
  /** The sitemap, or its numbered part when it is split into an index. */
  sitemap(part?: number): string;
  newsSitemap(): string;
  robots(): string;
  /** An alias as written in front matter ("/politics/old/"), within the site's base path. */
  alias(path: string): string;
  /** Output path of one processed variant of a content image: "media/demo/port-800w.3f2a9c1b0e.webp". */
  imageVariant(src: string, hash: string, width: number, ext: string): string;
  /** Absolute URL (with scheme and host) for a site URL. */
  absolute(url: string): string;
}

export type FeedFormat = "rss" | "atom" | "json";
const FEED_FILES: Record<FeedFormat, string> = { rss: "feed.xml", atom: "atom.xml", json: "feed.json" };

// A relative path of plain segments (no ".", "..", empty segment, escape or character a URL would encode):
// resolved against a base URL that ends in "/", it is that URL followed by the path, as WHATWG URL makes it.
// Every page has a dozen absolute URLs (canonical, og:url, JSON-LD, sitemaps): ~0.1 s of parsing at 4,000.
const PLAIN_PATH = /^(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*\/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?$/;

export function makeUrls(config: Pick<SiteConfig, "basePath" | "baseUrl">): Urls {
  const base = config.basePath;
  // The base URL as a prefix, when it can be one (null: every path goes through URL); made on first use.
  let prefix: string | null | undefined;
  const absolute = (url: string): string => {
    const rel = url.startsWith(base) ? url.slice(base.length) : url.replace(/^\//, "");
    if (prefix === undefined) {
      const href = new URL(config.baseUrl).href;
      prefix = href.endsWith("/") && !/[?#]/.test(href) ? href : null;
    }
    return prefix !== null && PLAIN_PATH.test(rel) ? prefix + rel : new URL(rel, config.baseUrl).href;
  };
  // A file's name as a URL: each part percent-encoded, so that a space or comma cannot end it in a srcset.
  const media = (file: string) => `${base}media/${file.replace(/^\/?(media\/)?/, "").split("/").map(encodeURIComponent).join("/")}`;
  const paged = (prefix: string, page = 1) => (page <= 1 ? prefix : `${prefix}page/${page}/`);
  return {
    home: () => base,
    article: (a) => `${base}${a.category}/${a.slug}/`,
    category: (id, page) => paged(`${base}${id}/`, page),
    archive: (page) => paged(`${base}news/`, page),
    author: (id, page) => paged(`${base}authors/${id}/`, page),
    tag: (slug, page) => paged(`${base}tags/${slug}/`, page),
    page: (slug) => `${base}${slug}/`,
    asset: (file) => `${base}assets/${file}`,
    media,
    notFound: () => `${base}404.html`,
    feed: (format, category) => `${base}${category ? `${category}/` : ""}${FEED_FILES[format]}`,
    sitemap: (part) => (part === undefined ? `${base}sitemap.xml` : `${base}sitemap-${part}.xml`),
    newsSitemap: () => `${base}news-sitemap.xml`,
    robots: () => `${base}robots.txt`,
    alias: (p) => `${base}${p.replace(/^\//, "")}`,
    imageVariant: (src, hash, width, ext) => `media/${src.replace(/\.[^./]+$/, "")}-${width}w.${hash}.${ext}`,
    absolute,
  };
}

/**
 * The output file for a site URL: "/politics/x/" → "politics/x/index.html". Refuses any URL that would
 * leave the output folder, whatever a slug or file name says.
 */
export function outputPath(url: string, basePath: string): string {
  if (!url.startsWith(basePath)) throw new Error(`URL ${url} is outside the site's base path ${basePath}`);
  const rel = decodeURIComponent(url.slice(basePath.length));
  const file = rel === "" || rel.endsWith("/") ? `${rel}index.html` : rel;
  const normal = path.normalize(file);
  if (normal.startsWith("../") || normal === ".." || path.isAbsolute(normal) || normal.includes("\0")) {
    throw new Error(`URL ${url} would be written outside the output folder`);
  }
  return normal;
}

/**
 * The path under content/media that an image reference names ("/media/demo/x.jpg" → "demo/x.jpg"), or
 * undefined for absolute URLs and paths outside /media/. Front matter may also omit the /media/ prefix.
 */
export function mediaFile(src: string, opts: { frontMatter?: boolean } = {}): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(src)) return undefined;
  const match = /^\/?media\/(.+)$/.exec(src);
  const rel = match ? match[1]! : opts.frontMatter ? src.replace(/^\//, "") : undefined;
  if (rel === undefined) return undefined;
  try {
    return decodeURIComponent(rel.split(/[?#]/)[0]!);
  } catch {
    return rel;
  }
}
