import { error, type Diagnostic } from "../errors/diagnostic.js";
import type { Article, Route, SiteIndex } from "../model.js";
import { makeUrls, outputPath } from "./urls.js";

/** A small page at an article's old path that sends readers (and search engines) to its URL. */
export interface Redirect {
  url: string;
  outPath: string;
  article: Article;
}

/**
 * A redirect for every alias of a published article. An alias may not take the output file of a real page
 * or of another alias: that is reported naming both files, and no redirect is planned for it.
 */
export function planRedirects(index: SiteIndex, routes: Route[]): { redirects: Redirect[]; diagnostics: Diagnostic[] } {
  const { config } = index;
  const urls = makeUrls(config);
  // Who has each output file, said only for a collision (a site has thousands of routes and few aliases).
  const taken = new Map<string, Route | string>(routes.map((r) => [r.outPath, r]));
  const redirects: Redirect[] = [];
  const diagnostics: Diagnostic[] = [];
  // By file, so "already used by" names the same file whatever order the disk gave.
  const byFile = index.articles.filter((a) => a.aliases.length > 0).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const article of byFile) {
    for (const alias of article.aliases) {
      const url = urls.alias(alias.path);
      const outPath = outputPath(url, config.basePath);
      const taker = taken.get(outPath);
      if (taker !== undefined) {
        const owner = typeof taker === "string" ? taker : ownerOf(taker);
        diagnostics.push(error("alias-collision", article.file, alias, `alias "${alias.path}" collides with ${owner}`, {
          field: "aliases",
          hint: "An alias is an old path that no longer has a page; remove it or fix the path.",
        }));
        continue;
      }
      taken.set(outPath, `the alias "${alias.path}" of ${article.file}`);
      redirects.push({ url, outPath, article });
    }
  }
  return { redirects, diagnostics };
}

function ownerOf(route: Route): string {
  switch (route.kind) {
    case "article":
      return `the article ${route.article.file} (${route.url})`;
    case "page":
      return `the page ${route.page.file} (${route.url})`;
    case "category":
      return `the ${route.category.name} category page ${route.url} (site.yml)`;
    case "author":
      return `the author page ${route.url} (authors.yml)`;
    default:
      return `the site's own page ${route.url}`;
  }
}
