import type { Article, Author, Instant, Page, SiteConfig, SiteIndex, Tag } from "../model.js";
import { slugify } from "./slugify.js";
import { newestFirst } from "./sort.js";

export interface IndexOptions {
  /** Include articles dated after `now` (previews). */
  future?: boolean;
}

/** Every list the pages show, computed once, newest first. Pure: no I/O, no clock but `now`. */
export function buildSiteIndex(articles: Article[], pages: Page[], config: SiteConfig, now: Instant, options: IndexOptions = {}): SiteIndex {
  const sorted = [...articles].sort(newestFirst);
  const published = options.future ? sorted : sorted.filter((a) => a.date <= now);
  const scheduled = options.future ? [] : sorted.filter((a) => a.date > now).reverse();

  const byCategory = new Map<string, Article[]>(config.categories.map((c) => [c.id, []]));
  const byAuthor = new Map<string, Article[]>(config.authors.map((a) => [a.id, []]));
  const tagMap = new Map<string, Tag>();
  for (const article of published) {
    byCategory.get(article.category)?.push(article);
    for (const id of article.authors) byAuthor.get(id)?.push(article);
    for (const name of article.tags) {
      const slug = slugify(name);
      if (slug === "") continue;
      let tag = tagMap.get(slug);
      if (!tag) tagMap.set(slug, (tag = { slug, name, articles: [] }));
      if (tag.articles.at(-1) !== article) tag.articles.push(article);
    }
  }
  const tags = [...tagMap.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return {
    config,
    now,
    articles: published,
    pages: [...pages].sort((a, b) => (a.slug < b.slug ? -1 : 1)),
    latest: published.slice(0, config.latestNewsCount),
    byCategory,
    byAuthor,
    tags,
    authors: new Map<string, Author>(config.authors.map((a) => [a.id, a])),
    scheduled,
  };
}

/** The newest `count` other articles of the article's category. */
export function readAlso(index: SiteIndex, article: Article): Article[] {
  const list = index.byCategory.get(article.category) ?? [];
  const count = index.config.readAlsoCount;
  const out: Article[] = [];
  for (const other of list) {
    if (out.length === count) break;
    if (other !== article) out.push(other);
  }
  return out;
}
