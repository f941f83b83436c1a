import type { Article, OutputFile, Route } from "../model.js";
import type { Redirect } from "../routes/plan-redirects.js";
import { articleKeys, sharedInputs } from "./fingerprint.js";
import { renderFeeds } from "./feeds/render-feeds.js";
import { renderRedirects } from "./redirects.js";
import { renderRobots } from "./robots.js";
import { newsSitemapArticles, renderNewsSitemap, renderSitemaps, sitemapEntries, type SitemapEntry } from "./sitemaps.js";
import type { ViewContext } from "./view-model.js";

/** Asked before a group of files is made: true when the files made last time from the same inputs are kept. */
export type Reuse = (group: string, inputs: string) => boolean;

export type SyndicationFile = OutputFile & { group?: string; inputs?: string };

/**
 * The files for machines beside the pages: feeds, sitemaps, robots.txt, and redirects from old paths.
 * With `reuse` (an incremental build), a feed or the sitemap whose inputs are unchanged is not made again:
 * its inputs are the configuration, the processed images and the articles it lists (by file and digest).
 */
export function renderSyndication(routes: Route[], redirects: Redirect[], ctx: ViewContext, reuse?: Reuse): SyndicationFile[] {
  const { index, urls, time } = ctx;
  const { config } = index;
  const shared = reuse && sharedInputs({ config, images: ctx.images, empty: index.articles.length === 0 ? index.now : undefined });
  const made = (group: string, keyOf: () => string, make: () => OutputFile[]): SyndicationFile[] => {
    if (!shared || !reuse) return make();
    const inputs = sharedInputs({ shared, key: keyOf() });
    return reuse(group, inputs) ? [] : make().map((file) => ({ ...file, group, inputs }));
  };
  let listed: SitemapEntry[] | undefined;
  const entries = () => (listed ??= sitemapEntries(routes, index, urls));
  const latest = (list: Article[]) => articleKeys(list.slice(0, config.feedCount), index.now);
  return [
    ...renderFeeds(ctx, (category, make) =>
      made(`feed:${category ?? ""}`, () => latest(category === undefined ? index.articles : (index.byCategory.get(category) ?? [])) + latest(index.latest), make),
    ),
    // The sitemap is its entries (URL, last change): a body edit that keeps the dates leaves it alone.
    ...made("sitemap", () => JSON.stringify(entries()), () => renderSitemaps(entries(), urls, config.basePath, time)),
    ...made("news-sitemap", () => articleKeys(newsSitemapArticles(index), index.now), () => [renderNewsSitemap(index, urls, time)]),
    renderRobots(config, urls),
    ...renderRedirects(redirects, urls, config.language),
  ];
}
