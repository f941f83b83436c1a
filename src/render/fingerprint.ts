import { hash } from "node:crypto";
import type { Article, Page, Route, SiteIndex } from "../model.js";
import { readAlso } from "../site/build-site-index.js";

// A page's inputs, as a digest, so an incremental build can skip rendering a page made from the same inputs
// as last time. A template sees only its data (`it`, no `with`, no globals), and that data is made from:
// what every page shares (templates, configuration with its authors and categories, the site view, Latest
// news, asset URLs, processed images), the route itself (URL, pagination), and the articles the page shows.
// An article is named by its file and the digest of the file's bytes (everything the article's views are
// made from), plus whether it is scheduled; an article a page lists, by its file and the digest of its front
// matter (an item shows no body): no view, body or Markdown is needed to decide that a page is
// unchanged, which is what makes a no-op build of a big site cheap. The key of each kind of page below lists
// what `pageData` in render-pages.ts uses; tests/incremental.test.ts checks the result against cold builds.
// render-pages.ts digests Latest news apart (a page's "base" is all of its inputs but that block), so that a
// page whose base is unchanged can be made from its previous bytes when only Latest news changed. When the
// theme prints Read also as it is, an article page that shows its category's newest stories as Read also
// (any story not among them) names that list in its base instead of listing it: a story published in the
// category changes that block on each such page, which is then made from its previous bytes too.

/** The digest of what every page shares. */
export function sharedInputs(parts: Record<string, unknown>): string {
  return digest(JSON.stringify(parts, mapsAsArrays));
}

/** Articles as their views see them: file, digest of its bytes, and whether it is scheduled. */
export function articleKeys(articles: readonly Article[], now: number): string {
  let out = "";
  for (const a of articles) out += (out === "" ? "" : "\u0001") + articleKey(a, now, false);
  return out;
}

/**
 * Articles as a list shows them (an item: headline, dek, time, category, picture, markers): file, digest of
 * its front matter, and whether it is scheduled. No list shows a body: a typo fixed in a story's body changes
 * its own page (and its feeds), not the pages that list it.
 */
export function listedKeys(articles: readonly Article[], now: number): string {
  let out = "";
  for (const a of articles) out += (out === "" ? "" : "\u0001") + articleKey(a, now, true);
  return out;
}

// A page lists ~20 articles and a site has ~1.3 pages per article: each key is made once per build, not per page.
// Builds under `build --watch` keep their articles (the snapshot site) and change their digests in place: a
// key holds only while the article has the digests it was made from.
const keys = new WeakMap<Article, { source: string; head: string; key: string; listed: string }>();
function articleKey(a: Article, now: number, listed: boolean): string {
  let made = keys.get(a);
  if (made?.source !== a.source || made.head !== a.head) {
    keys.set(a, (made = { source: a.source, head: a.head, key: `${a.file}\u0000${a.source}\u0000`, listed: `${a.file}\u0000${a.head}\u0000` }));
  }
  const key = listed ? made.listed : made.key;
  return a.date > now ? `${key}scheduled` : key;
}

/**
 * The digest of one page's inputs: `shared`, its route, and the articles it shows; for an article page whose
 * Read also `readAlsoOf` names a category of, that category's shared Read also instead of the stories in it.
 */
export function routeInputs(shared: string, route: Route, index: SiteIndex, readAlsoOf: (route: Route) => string | undefined = () => undefined): string {
  // A pager's links follow from the page's number and the number of pages (and the URLs, in `shared`): its
  // list of every page's URL is not digested, which on a 100,000-article site made the digests quadratic.
  const paging = "pagination" in route ? `${route.pagination.number}/${route.pagination.total}` : "";
  const head = `${shared}\u0002${route.kind}\u0002${route.url}\u0002${paging}${route.kind === "tag" ? route.tag.name : ""}\u0002`;
  // Read also named by its category: the article's own list of it is not made (most article pages).
  const category = readAlsoOf(route);
  if (category !== undefined && route.kind === "article") return digest(`${head}${articleKeys([route.article], index.now)}\u0003read also of ${category}`);
  const { own, lists, page } = shownBy(route, index);
  if (page) return digest(head + `${page.file}\u0000${page.source}`);
  const mine = own ? articleKeys([own], index.now) : "";
  return digest(head + mine + lists.map((list) => `\u0003${listedKeys(list, index.now)}`).join(""));
}

/**
 * The category of an article page whose Read also is that category's newest `readAlsoCount` stories, the
 * same list on every page of the category that is not one of them (see readAlso); undefined for other pages.
 */
export function sharedReadAlso(route: Route, index: SiteIndex): string | undefined {
  if (route.kind !== "article") return undefined;
  const { article } = route;
  const list = index.byCategory.get(article.category) ?? [];
  const count = index.config.readAlsoCount;
  for (let i = 0; i < count && i < list.length; i++) if (list[i] === article) return undefined;
  return article.category;
}

/** What a category's shared Read also shows (see sharedReadAlso), as a digest. */
export function readAlsoInputs(index: SiteIndex, category: string): string {
  return digest(listedKeys((index.byCategory.get(category) ?? []).slice(0, index.config.readAlsoCount), index.now));
}

/** Whether a page shows any of `docs` (an incremental build that knows which documents changed skips the others). */
export function showsAny(docs: ReadonlySet<Article | Page>): (route: Route, index: SiteIndex) => boolean {
  const categories = new Set([...docs].flatMap((d) => ("category" in d ? [d.category] : [])));
  return (route, index) => {
    // An article page shows itself and articles of its own category (Read also).
    if (route.kind === "article" && !docs.has(route.article) && !categories.has(route.article.category)) return false;
    const { own, lists, page } = shownBy(route, index);
    return page ? docs.has(page) : (own !== undefined && docs.has(own)) || lists.some((list) => list.some((a) => docs.has(a)));
  };
}

/** What a page shows beside what every page shares: its article and the lists of articles it shows, or its page. */
function shownBy(route: Route, index: SiteIndex): { own?: Article; lists: Article[][]; page?: Page } {
  switch (route.kind) {
    case "home":
      return { lists: [index.articles.slice(0, 7), ...index.config.categories.map((c) => (index.byCategory.get(c.id) ?? []).slice(0, 4))] };
    case "article":
      return { own: route.article, lists: [readAlso(index, route.article)] };
    case "page":
      return { lists: [], page: route.page };
    case "archive":
    case "category":
    case "author":
    case "tag":
      return { lists: [route.items] };
    case "notFound":
      return { lists: [] };
  }
}

function digest(text: string): string {
  return hash("sha1", text, "base64");
}

function mapsAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Map ? [...value] : value;
}
