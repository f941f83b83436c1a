import type { Instant, SiteIndex } from "../model.js";
import { NEWS_WINDOW_MS, newsSitemapArticles } from "./sitemaps.js";
import { minOf } from "./extremes.js";

/**
 * Until when the site made at `index.now` stays the same (its inputs unchanged): the next scheduled story is
 * published (or, in previews, loses its Scheduled mark), or the oldest story of the news sitemap leaves its
 * two-day window. A site without stories dates its feeds by the clock itself, so it is never the same later.
 */
export function sameSiteUntil(index: SiteIndex): Instant {
  if (index.articles.length === 0) return index.now;
  const times = [
    ...index.scheduled.map((a) => a.date),
    ...index.articles.filter((a) => a.date > index.now).map((a) => a.date),
    ...newsSitemapArticles(index).map((a) => a.date + NEWS_WINDOW_MS),
  ];
  return minOf(times, Number.MAX_SAFE_INTEGER);
}
