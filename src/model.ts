// The types that flow between the build stages, in pipeline order:
// SiteConfig + SourceFile → Article/Page → SiteIndex → Route → OutputFile.

/** A category as configured in site.yml, in the order the newsroom listed them. */
export interface Category {
  id: string;
  name: string;
}

export interface Author {
  id: string;
  name: string;
  bio?: string;
  url?: string;
}

export interface SiteConfig {
  title: string;
  /** Absolute, always ends with "/". */
  baseUrl: string;
  /** The path part of baseUrl ("/" or "/news-site/"); every site URL starts with it. */
  basePath: string;
  language: string;
  timeZone: string;
  dateFormat: string;
  latestNewsCount: number;
  readAlsoCount: number;
  pageSize: number;
  categories: Category[];
  telegram?: string;
  description?: string;
  /** Raw HTML in Markdown bodies; off unless a trusted newsroom turns it on. */
  allowHtml: boolean;
  /** Hosts whose pages may be embedded as iframes (after a click), e.g. "datawrapper.dwcdn.net". */
  embedHosts: string[];
  authors: Author[];
  /** Items in each feed (site-wide and per category). */
  feedCount: number;
  /** Publisher logo for JSON-LD and social cards: a file in content/media or an absolute URL. */
  logo?: string;
}

/** A file read from content/, path relative to the content folder with "/" separators. */
export interface SourceFile {
  path: string;
  text: string;
}

/** An instant, in milliseconds since the epoch (UTC). Shown to people only through the site zone. */
export type Instant = number;

export interface Article {
  /** Source file, relative to the content folder, for diagnostics. */
  file: string;
  slug: string;
  title: string;
  subtitle?: string;
  category: string;
  authors: string[];
  date: Instant;
  updated?: Instant;
  tags: string[];
  image?: string;
  imageAlt?: string;
  imageCaption?: string;
  imageCredit?: string;
  /** 1-based line of the `image` field, so a broken image file is reported where it is named. */
  imageLine?: number;
  /** A video piece: the player (YouTube or an allowed host) leads the article. */
  video?: string;
  draft: boolean;
  /** Old site paths ("/politics/old-title/") that redirect here, with where each was written. */
  aliases: Alias[];
  /** Read from the file only when asked for, when the article came from the parse cache. */
  body: string;
  /** 1-based line of the file where the Markdown body starts. */
  bodyLine: number;
  /** Digest of the source file's bytes. */
  source: string;
  /** Digest of the front matter's text: an edit that keeps it changes the body only. */
  head: string;
  bodyFile?: BodyFile;
  bodyHasImages: boolean;
}

/** A body's file and where in its text (LF line endings, no BOM) the body starts. */
export interface BodyFile {
  path: string;
  offset: number;
}

export interface Alias {
  path: string;
  line: number;
  column: number;
}

export interface Page {
  file: string;
  slug: string;
  title: string;
  subtitle?: string;
  body: string;
  bodyLine: number;
  source: string;
  head: string;
  bodyFile?: BodyFile;
  bodyHasImages: boolean;
}

export interface Tag {
  slug: string;
  name: string;
  articles: Article[];
}

/** Everything the renderers need, computed once before any page renders. Lists are newest first. */
export interface SiteIndex {
  config: SiteConfig;
  now: Instant;
  articles: Article[];
  pages: Page[];
  latest: Article[];
  byCategory: Map<string, Article[]>;
  byAuthor: Map<string, Article[]>;
  tags: Tag[];
  authors: Map<string, Author>;
  /** Articles left out because they are dated after `now`, soonest first. */
  scheduled: Article[];
}

export interface Pagination {
  number: number;
  total: number;
  /** URL of each page, index 0 is page 1. */
  urls: string[];
}

export type Route =
  | { kind: "home"; url: string; outPath: string }
  | { kind: "article"; url: string; outPath: string; article: Article }
  | { kind: "page"; url: string; outPath: string; page: Page }
  | { kind: "archive"; url: string; outPath: string; items: Article[]; pagination: Pagination }
  | { kind: "category"; url: string; outPath: string; category: Category; items: Article[]; pagination: Pagination }
  | { kind: "author"; url: string; outPath: string; author: Author; items: Article[]; pagination: Pagination }
  | { kind: "tag"; url: string; outPath: string; tag: Tag; items: Article[]; pagination: Pagination }
  | { kind: "notFound"; url: string; outPath: string };

export type RouteKind = Route["kind"];

/** A file of the finished site, path relative to the output folder with "/" separators. */
export type OutputFile =
  | { path: string; contents: string | Uint8Array }
  /** A file copied as it is (media), by absolute source path. */
  | { path: string; copyFrom: string };

/** A content file split into front matter (with positions) and Markdown body; not yet validated. */
export interface RawDocument {
  /** Path for people and diagnostics, e.g. "content/articles/2024/07/x.md". */
  file: string;
  /** File name without folders and extension: the default slug. */
  name: string;
  data: import("./yaml/parse-yaml.js").YamlData;
  /** Read from the file only when asked for, when the document came from the parse cache. */
  body: string;
  bodyLine: number;
  /** Digest of the file's bytes: what pages made from it are fingerprinted by. */
  source: string;
  /** Digest of the front matter's text (everything before the body). */
  head: string;
  /** Where `body` is read from (it is not kept in memory): plain data, so a worker thread can read it too. */
  bodyFile?: BodyFile;
  /** The body is only white space. */
  blankBody: boolean;
  /** The body has "![" somewhere: it may show images (found by parsing it). */
  bodyHasImages: boolean;
}

/** One encoded size and format of a content image. */
export interface ImageVariant {
  format: ImageFormat;
  width: number;
  height: number;
  /** Output path, relative to the output folder ("media/demo/port-800w.3f2a9c1b0e.webp"). */
  path: string;
}

export type ImageFormat = "avif" | "webp" | "jpeg" | "png";

/** A content/media image after processing: its size and every variant, smallest first within a format. */
export interface ProcessedImage {
  width: number;
  height: number;
  /** The format for browsers without AVIF/WebP: PNG for images with transparency, else JPEG. */
  fallback: "jpeg" | "png";
  variants: ImageVariant[];
}

/** Processed images by their path under content/media ("demo/port.jpg"). */
export type ImageMap = ReadonlyMap<string, ProcessedImage>;
