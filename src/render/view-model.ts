import type { Article, Category, ImageMap, SiteConfig, SiteIndex } from "../model.js";
import { mediaFile, type Urls } from "../routes/urls.js";
import { slugify } from "../site/slugify.js";
import { escapeHtml } from "./eta.js";
import type { TimeFormatter, TimeView } from "./dates.js";
import type { MarkdownRenderer } from "./markdown.js";
import type { FeedHarvest } from "./feeds/feed-harvest.js";
import { pictureHtml, socialImage } from "./picture.js";

// What templates see. Every value is plain data, already formatted; URLs come from routes/urls.ts.

export interface LinkView {
  name: string;
  url: string;
}

export interface ItemView {
  title: string;
  subtitle?: string;
  url: string;
  time: TimeView;
  category: LinkView;
  draft: boolean;
  /** Dated after the build's clock: only seen in previews (`--future`, `broadsheet dev`). */
  scheduled: boolean;
  /** A video piece: lists show a VIDEO marker. */
  isVideo: boolean;
  /** Updated after publication: lists show an UPDATED marker. */
  isUpdated: boolean;
  /** A small <picture> of the lead image for listing cards (HTML we made; alt is empty beside the headline). */
  thumbnail?: string;
}

export interface ImageView {
  /** The original file, or the absolute URL given. */
  url: string;
  alt: string;
  caption?: string;
  credit?: string;
  /** Intrinsic size, when the image was processed. */
  width?: number;
  height?: number;
  /** The lead <picture> (or <img> for an external URL), eager with fetchpriority="high". */
  html: string;
  /** For og:image and feeds: an absolute URL of the 1200-wide JPEG/PNG version. */
  social: { url: string; width?: number; height?: number; type?: string };
}

export interface ArticleView extends ItemView {
  authors: LinkView[];
  tags: LinkView[];
  updated?: TimeView;
  html: string;
  image?: ImageView;
  /** A video piece's player, shown first: a click-to-load link, or a plain link for unknown hosts. */
  video?: { url: string; html: string };
  /** Our click-to-load script, when the page has a video or iframe to load. */
  embedScript?: string;
}

export interface SiteView {
  title: string;
  description?: string;
  language: string;
  baseUrl: string;
  homeUrl: string;
  allNewsUrl: string;
  telegram?: string;
  categories: (LinkView & { id: string })[];
  pages: LinkView[];
  css: string;
}

export interface ViewContext {
  index: SiteIndex;
  urls: Urls;
  time: TimeFormatter;
  markdown: MarkdownRenderer;
  /** Processed content/media images by path under content/media. */
  images: ImageMap;
  /** Fingerprinted asset URLs by original name ("site.css" → "/assets/site.3f2a9c1b.css"). */
  assets: Map<string, string>;
  /** Where the feed bodies of the stories whose pages this thread renders go, when the feeds are made after them. */
  harvest?: FeedHarvest;
}

export function siteView(ctx: ViewContext): SiteView {
  const { config } = ctx.index;
  return {
    title: config.title,
    ...(config.description !== undefined && { description: config.description }),
    language: config.language,
    baseUrl: config.baseUrl,
    homeUrl: ctx.urls.home(),
    allNewsUrl: ctx.urls.archive(),
    ...(config.telegram !== undefined && { telegram: config.telegram }),
    categories: config.categories.map((c) => ({ id: c.id, name: c.name, url: ctx.urls.category(c.id) })),
    pages: ctx.index.pages.map((p) => ({ name: p.title, url: ctx.urls.page(p.slug) })),
    css: ctx.assets.get("site.css") ?? ctx.urls.asset("site.css"),
  };
}

export function categoryOf(config: SiteConfig, id: string): Category {
  return config.categories.find((c) => c.id === id) ?? { id, name: id };
}

export function itemView(ctx: ViewContext, article: Article): ItemView {
  const category = categoryOf(ctx.index.config, article.category);
  const thumb = thumbnail(ctx, article);
  return {
    title: article.title,
    ...(article.subtitle !== undefined && { subtitle: article.subtitle }),
    url: ctx.urls.article(article),
    time: ctx.time(article.date),
    category: { name: category.name, url: ctx.urls.category(category.id) },
    draft: article.draft,
    scheduled: article.date > ctx.index.now,
    isVideo: article.video !== undefined,
    isUpdated: article.updated !== undefined,
    ...(thumb !== undefined && { thumbnail: thumb }),
  };
}

// Cards are at most ~20rem wide: the 480 (and 800 for dense screens) variants are enough.
const THUMB_SIZES = "(min-width: 40em) 20rem, 100vw";
const LEAD_SIZES = "(min-width: 960px) 850px, 100vw";

function thumbnail(ctx: ViewContext, article: Article): string | undefined {
  const image = article.image !== undefined ? ctx.images.get(mediaFile(article.image, { frontMatter: true }) ?? "") : undefined;
  return image && pictureHtml(image, { alt: "", sizes: THUMB_SIZES, maxWidth: 800, url: ctx.urls.media });
}

function imageView(ctx: ViewContext, article: Article & { image: string }): ImageView {
  const { urls } = ctx;
  const alt = article.imageAlt ?? "";
  const text = {
    alt,
    ...(article.imageCaption !== undefined && { caption: article.imageCaption }),
    ...(article.imageCredit !== undefined && { credit: article.imageCredit }),
  };
  const local = mediaFile(article.image, { frontMatter: true });
  const image = local !== undefined ? ctx.images.get(local) : undefined;
  if (local === undefined || !image) {
    const url = local === undefined ? article.image : urls.media(local);
    const html = `<img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}" fetchpriority="high">`;
    return { url, ...text, html, social: socialImage(ctx, article.image) };
  }
  return {
    url: urls.media(local),
    ...text,
    width: image.width,
    height: image.height,
    html: pictureHtml(image, { alt, sizes: LEAD_SIZES, lead: true, url: urls.media }),
    social: socialImage(ctx, article.image),
  };
}

export function articleView(ctx: ViewContext, article: Article): ArticleView {
  const { index, urls } = ctx;
  const html = bodyHtml(ctx, article);
  const image = article.image !== undefined ? imageView(ctx, { ...article, image: article.image }) : undefined;
  // The player replaces the lead picture on the page; the picture becomes its poster (no third-party thumbnail).
  const poster = image?.width !== undefined ? image.html.replace(/ alt="[^"]*"/, ' alt=""') : undefined;
  const video = article.video !== undefined ? { url: article.video, html: ctx.markdown.embed(article.video, { title: article.title, ...(poster && { poster }) }) } : undefined;
  const script = embedScriptFor(ctx, html + (video?.html ?? ""));
  // Added to the item's view rather than spread into a new object: V8 made a new hidden class for each such
  // spread followed by more keys (see mergedData in eta.ts).
  return Object.assign(itemView(ctx, article), {
    authors: article.authors.map((id) => ({ name: index.authors.get(id)?.name ?? id, url: urls.author(id) })),
    // A tag of only punctuation has no slug and no page: it is not linked.
    tags: article.tags.filter((name) => slugify(name) !== "").map((name) => ({ name, url: urls.tag(slugify(name)) })),
    ...(article.updated !== undefined && { updated: ctx.time(article.updated) }),
    html,
    ...(image && { image }),
    ...(video && { video }),
    ...(script !== undefined && { embedScript: script }),
  });
}

/** An article's body as its page shows it; made with its feed item's when a feed carries it (see FeedHarvest). */
function bodyHtml(ctx: ViewContext, article: Article): string {
  const wanted = ctx.harvest?.wants(article);
  if (!wanted) return ctx.markdown.render(article.body);
  const { html, feed } = ctx.markdown.renderWithFeed(article.body, wanted.url);
  ctx.harvest!.put([wanted.key, article.source, feed]);
  return html;
}

/** The click-to-load script's URL, only for HTML that has a player or iframe waiting for a click. */
export function embedScriptFor(ctx: Pick<ViewContext, "assets">, html: string): string | undefined {
  return html.includes("data-embed-src") ? ctx.assets.get("embeds.js") : undefined;
}
