import type { Route } from "../model.js";
import type { FeedFormat } from "../routes/urls.js";
import { articleJsonLd, homeJsonLd, jsonInScript } from "./json-ld.js";
import { socialImage } from "./picture.js";
import { paginationView, type PageMeta } from "./render-pages.js";
import { categoryOf, type ViewContext } from "./view-model.js";

/** What templates/partials/head.eta prints: every value computed here, JSON-LD already safe for a script. */
export interface HeadView {
  /** `<meta property>` pairs: OpenGraph and article:*. */
  properties: [string, string][];
  /** `<meta name>` pairs: Twitter card. */
  names: [string, string][];
  feeds: { type: string; title: string; href: string }[];
  prev?: string;
  next?: string;
  jsonLd: string[];
}

const FEED_TYPES: [FeedFormat, string, string][] = [
  ["rss", "application/rss+xml", "RSS"],
  ["atom", "application/atom+xml", "Atom"],
  ["json", "application/feed+json", "JSON Feed"],
];

export function headView(route: Route, page: PageMeta, ctx: ViewContext): HeadView {
  const { index, urls, time } = ctx;
  const { config } = index;
  const title = route.kind === "home" ? config.title : page.title;
  const imageSrc = route.kind === "article" ? (route.article.image ?? config.logo) : config.logo;
  const shared = (src: string) => socialImage(ctx, src).url;
  const image = imageSrc === undefined ? undefined : shared(imageSrc);
  const properties: [string, string][] = [
    ["og:site_name", config.title],
    ["og:type", route.kind === "article" ? "article" : "website"],
    ["og:title", title],
    ["og:description", page.description],
    ["og:url", page.canonical],
  ];
  if (image !== undefined) properties.push(["og:image", image]);
  if (route.kind === "article" && route.article.image !== undefined && route.article.imageAlt) properties.push(["og:image:alt", route.article.imageAlt]);
  const names: [string, string][] = [
    ["twitter:card", route.kind === "article" && route.article.image !== undefined ? "summary_large_image" : "summary"],
    ["twitter:title", title],
    ["twitter:description", page.description],
    ...(image !== undefined ? [["twitter:image", image] as [string, string]] : []),
  ];

  const feedsOf = (category?: string, label = config.title) =>
    FEED_TYPES.map(([format, type, name]) => ({ type, title: `${label} (${name})`, href: urls.feed(format, category) }));
  const feeds = feedsOf();
  let jsonLd: object[] = [];
  if (route.kind === "home") jsonLd = homeJsonLd(index, urls, shared);
  if (route.kind === "article") {
    const a = route.article;
    properties.push(
      ["article:published_time", time.iso(a.date)],
      ["article:modified_time", time.iso(a.updated ?? a.date)],
      ["article:section", categoryOf(config, a.category).name],
      ...a.tags.map((tag): [string, string] => ["article:tag", tag]),
    );
    jsonLd = articleJsonLd(a, page.description, index, urls, time, shared);
  }
  if (route.kind === "category") feeds.push(...feedsOf(route.category.id, `${config.title}: ${route.category.name}`));
  const { prev, next } = "pagination" in route ? paginationView(route.pagination) : {};
  return { properties, names, feeds, ...(prev && { prev }), ...(next && { next }), jsonLd: jsonLd.map(jsonInScript) };
}
