import type { OutputFile, Route } from "../model.js";
import type { Redirect } from "../routes/plan-redirects.js";
import { renderFeeds } from "./feeds/render-feeds.js";
import { renderRedirects } from "./redirects.js";
import { renderRobots } from "./robots.js";
import { renderNewsSitemap, renderSitemaps, sitemapEntries } from "./sitemaps.js";
import type { ViewContext } from "./view-model.js";

/** The files for machines beside the pages: feeds, sitemaps, robots.txt, and redirects from old paths. */
export function renderSyndication(routes: Route[], redirects: Redirect[], ctx: ViewContext): OutputFile[] {
  const { index, urls, time } = ctx;
  const { config } = index;
  return [
    ...renderFeeds(ctx),
    ...renderSitemaps(sitemapEntries(routes, index, urls), urls, config.basePath, time),
    renderNewsSitemap(index, urls, time),
    renderRobots(config, urls),
    ...renderRedirects(redirects, urls, config.language),
  ];
}
