import type { Article, Pagination, Route, SiteIndex } from "../model.js";
import { paginate } from "../site/paginate.js";
import { makeUrls, outputPath } from "./urls.js";

/** Every page of the site, in a fixed order: home, articles, pages, listings, 404. */
export function planRoutes(index: SiteIndex): Route[] {
  const { config } = index;
  const urls = makeUrls(config);
  const at = (url: string) => ({ url, outPath: outputPath(url, config.basePath) });
  const routes: Route[] = [{ kind: "home", ...at(urls.home()) }];
  for (const article of index.articles) routes.push({ kind: "article", ...at(urls.article(article)), article });
  for (const page of index.pages) routes.push({ kind: "page", ...at(urls.page(page.slug)), page });

  const listing = (items: Article[], urlOf: (n: number) => string, make: (items: Article[], url: string, pagination: Pagination) => Route) => {
    const pages = paginate(items, config.pageSize);
    const pageUrls = pages.map((_, i) => urlOf(i + 1));
    pages.forEach((pageItems, i) => routes.push(make(pageItems, pageUrls[i]!, { number: i + 1, total: pages.length, urls: pageUrls })));
  };
  listing(index.articles, (n) => urls.archive(n), (items, url, pagination) => ({ kind: "archive", ...at(url), items, pagination }));
  for (const category of config.categories) {
    const items = index.byCategory.get(category.id) ?? [];
    listing(items, (n) => urls.category(category.id, n), (list, url, pagination) => ({ kind: "category", ...at(url), category, items: list, pagination }));
  }
  for (const author of config.authors) {
    const items = index.byAuthor.get(author.id) ?? [];
    listing(items, (n) => urls.author(author.id, n), (list, url, pagination) => ({ kind: "author", ...at(url), author, items: list, pagination }));
  }
  for (const tag of index.tags) {
    listing(tag.articles, (n) => urls.tag(tag.slug, n), (list, url, pagination) => ({ kind: "tag", ...at(url), tag, items: list, pagination }));
  }
  routes.push({ kind: "notFound", url: urls.notFound(), outPath: "404.html" });
  return routes;
}
