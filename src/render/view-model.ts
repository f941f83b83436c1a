import type { Article, Category, SiteConfig, SiteIndex } from "../model.js";
import type { Urls } from "../routes/urls.js";
import { slugify } from "../site/slugify.js";
import type { TimeFormatter, TimeView } from "./dates.js";
import type { MarkdownRenderer } from "./markdown.js";

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
}

export interface ArticleView extends ItemView {
  authors: LinkView[];
  tags: LinkView[];
  updated?: TimeView;
  html: string;
  image?: { url: string; alt: string; caption?: string };
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
  /** Fingerprinted asset URLs by original name ("site.css" → "/assets/site.3f2a9c1b.css"). */
  assets: Map<string, string>;
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
  return {
    title: article.title,
    ...(article.subtitle !== undefined && { subtitle: article.subtitle }),
    url: ctx.urls.article(article),
    time: ctx.time(article.date),
    category: { name: category.name, url: ctx.urls.category(category.id) },
    draft: article.draft,
    scheduled: article.date > ctx.index.now,
  };
}

export function articleView(ctx: ViewContext, article: Article): ArticleView {
  const { index, urls } = ctx;
  return {
    ...itemView(ctx, article),
    authors: article.authors.map((id) => ({ name: index.authors.get(id)?.name ?? id, url: urls.author(id) })),
    tags: article.tags.map((name) => ({ name, url: urls.tag(slugify(name)) })).filter((t) => !t.url.endsWith("/tags//")),
    ...(article.updated !== undefined && { updated: ctx.time(article.updated) }),
    html: ctx.markdown.render(article.body),
    ...(article.image !== undefined && {
      image: {
        url: urls.image(article.image),
        alt: article.imageAlt ?? "",
        ...(article.imageCaption !== undefined && { caption: article.imageCaption }),
      },
    }),
  };
}
