import type { Article, Instant } from "../../model.js";
import type { FeedBodies } from "../../write/feed-bodies.js";
import type { FeedFormat } from "../../routes/urls.js";
import { excerpt } from "../excerpt.js";
import { socialImage } from "../picture.js";
import { categoryOf, type ViewContext } from "../view-model.js";
import { maxOf } from "../extremes.js";

// One description of a feed, written out three ways (RSS, Atom, JSON Feed). URLs here are absolute:
// feeds are read away from the site.

export interface FeedItem {
  /** The permalink: also the guid/id, stable as long as the article keeps its URL. */
  url: string;
  title: string;
  summary: string;
  /** Full body HTML with absolute links and images. */
  html: string;
  published: Instant;
  updated: Instant;
  authors: { name: string; url: string }[];
  category: string;
  tags: string[];
  image?: { url: string; type: string };
}

export interface Feed {
  title: string;
  description: string;
  language: string;
  homeUrl: string;
  urls: Record<FeedFormat, string>;
  /** The newest item's time (publication or update), never the build's clock. */
  updated: Instant;
  items: FeedItem[];
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp", avif: "image/avif", svg: "image/svg+xml",
};

/** The site-wide feed (no category) or one category's: the newest `feedCount` articles. */
export function feedData(ctx: ViewContext, category?: string, itemOf: (a: Article) => FeedItem = (a) => feedItem(ctx, a)): Feed {
  const { index, urls } = ctx;
  const { config } = index;
  const list = category === undefined ? index.articles : (index.byCategory.get(category) ?? []);
  const items = list.slice(0, config.feedCount).map(itemOf);
  const name = category === undefined ? undefined : categoryOf(config, category).name;
  const abs = (url: string) => urls.absolute(url);
  const newest = (times: Instant[]) => maxOf(times);
  return {
    title: name === undefined ? config.title : `${config.title}: ${name}`,
    description: config.description ?? config.title,
    language: config.language,
    homeUrl: abs(category === undefined ? urls.home() : urls.category(category)),
    urls: { rss: abs(urls.feed("rss", category)), atom: abs(urls.feed("atom", category)), json: abs(urls.feed("json", category)) },
    // An empty category's feed takes the site's newest story; only a site without stories, its clock.
    updated: newest(items.map((i) => i.updated)) ?? newest(index.latest.map(lastModified)) ?? index.now,
    items,
  };
}

/** When an article last changed: its update time, else its publication time. */
export function lastModified(article: Article): Instant {
  return article.updated ?? article.date;
}

/** The key of a story's body in the feeds' memo (see write/feed-bodies.ts): its file and permalink. */
export function feedBodyKey(ctx: Pick<ViewContext, "urls">, article: Article): string {
  return `${article.file}\u0000${ctx.urls.absolute(ctx.urls.article(article))}`;
}

export function feedItem(ctx: ViewContext, article: Article, bodies?: FeedBodies): FeedItem {
  const { index, urls } = ctx;
  const url = urls.absolute(urls.article(article));
  const key = feedBodyKey(ctx, article);
  let html = bodies?.get(key, article.source);
  if (html === undefined) {
    html = ctx.markdown.render(article.body, { absoluteFrom: url });
    bodies?.set(key, article.source, html);
  }
  const shared = article.image === undefined ? undefined : socialImage(ctx, article.image);
  const image = shared?.url;
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(image ?? "")?.[1]?.toLowerCase() ?? "";
  return {
    url,
    title: article.title,
    summary: article.subtitle ?? excerpt(html),
    html,
    published: article.date,
    updated: lastModified(article),
    authors: article.authors.map((id) => {
      const author = index.authors.get(id);
      return { name: author?.name ?? id, url: author?.url ?? urls.absolute(urls.author(id)) };
    }),
    category: categoryOf(index.config, article.category).name,
    tags: article.tags,
    ...(image !== undefined && { image: { url: image, type: shared?.type ?? IMAGE_TYPES[extension] ?? "image/jpeg" } }),
  };
}
