import type { Article, SiteIndex } from "../model.js";
import type { Urls } from "../routes/urls.js";
import type { TimeFormatter } from "./dates.js";
import { categoryOf } from "./view-model.js";

// schema.org objects for search engines. URLs are absolute, times carry the site zone's offset.

type Json = Record<string, unknown>;

/**
 * JSON for inside <script type="application/ld+json">: `<` (so "</script>" in a headline cannot end the
 * script), `>` and `&` as \u escapes (still the same JSON value), and U+2028/2029, which end lines in older
 * JavaScript parsers. Print the result with `<%~ %>`: it is already safe there.
 */
export function jsonInScript(value: unknown): string {
  const json = JSON.stringify(value) ?? "null";
  // Most pages' JSON has nothing to escape: a test is much cheaper than a replace with a callback.
  return UNSAFE_IN_SCRIPT.test(json) ? json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : json;
}
const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/;

/** The absolute URL of an image to share (see socialImage). */
type SharedImage = (src: string) => string;

export function organization(index: SiteIndex, urls: Urls, shared: SharedImage): Json {
  const { config } = index;
  return {
    "@type": "Organization",
    name: config.title,
    url: urls.absolute(urls.home()),
    ...(config.logo !== undefined && { logo: { "@type": "ImageObject", url: shared(config.logo) } }),
  };
}

/** The home page: the site and the newsroom behind it. */
export function homeJsonLd(index: SiteIndex, urls: Urls, shared: SharedImage): Json[] {
  const { config } = index;
  const website = {
    "@context": "https://schema.org",
    "@type": "WebSite",
    name: config.title,
    url: urls.absolute(urls.home()),
    inLanguage: config.language,
    ...(config.description !== undefined && { description: config.description }),
  };
  return [website, { "@context": "https://schema.org", ...organization(index, urls, shared) }];
}

/** An article: NewsArticle, then its BreadcrumbList (Home → category → article). */
export function articleJsonLd(article: Article, description: string, index: SiteIndex, urls: Urls, time: TimeFormatter, shared: SharedImage): Json[] {
  const url = urls.absolute(urls.article(article));
  const category = categoryOf(index.config, article.category);
  const publisher = organization(index, urls, shared);
  const authors = article.authors.map((id) => {
    const author = index.authors.get(id);
    return { "@type": "Person", name: author?.name ?? id, url: author?.url ?? urls.absolute(urls.author(id)) };
  });
  const news = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: article.title,
    description,
    datePublished: time.iso(article.date),
    dateModified: time.iso(article.updated ?? article.date),
    // A story without a byline is the newsroom's own.
    author: authors.length > 0 ? authors : [publisher],
    publisher,
    ...(article.image !== undefined && { image: [shared(article.image)] }),
    mainEntityOfPage: { "@type": "WebPage", "@id": url },
    url,
    inLanguage: index.config.language,
    articleSection: category.name,
    keywords: article.tags,
  };
  const crumbs = [
    { name: index.config.title, item: urls.absolute(urls.home()) },
    { name: category.name, item: urls.absolute(urls.category(category.id)) },
    { name: article.title, item: url },
  ];
  const breadcrumbs = {
    "@context": "https://schema.org",
    "@type": "BreadcrumbList",
    itemListElement: crumbs.map((c, i) => ({ "@type": "ListItem", position: i + 1, ...c })),
  };
  return [news, breadcrumbs];
}
