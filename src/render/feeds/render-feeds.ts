import type { Article, OutputFile } from "../../model.js";
import { outputPath } from "../../routes/urls.js";
import type { ViewContext } from "../view-model.js";
import { renderAtom } from "./atom.js";
import { feedData, feedItem, type FeedItem } from "./feed-data.js";
import { renderJsonFeed } from "./json-feed.js";
import { renderRss } from "./rss.js";

/**
 * RSS, Atom and JSON Feed for the whole site and for each category. `made(category, make)` decides whether
 * a feed's files are made (an incremental build keeps an unchanged feed's files): by default, always.
 */
export function renderFeeds(
  ctx: ViewContext,
  made: (category: string | undefined, make: () => OutputFile[]) => OutputFile[] = (_, make) => make(),
): OutputFile[] {
  const { config } = ctx.index;
  const files: OutputFile[] = [];
  // A story is in the site feed and in its category's: render its body once.
  const items = new Map<Article, FeedItem>();
  const itemOf = (a: Article) => items.get(a) ?? items.set(a, feedItem(ctx, a)).get(a)!;
  for (const category of [undefined, ...config.categories.map((c) => c.id)]) {
    const at = (format: "rss" | "atom" | "json") => outputPath(ctx.urls.feed(format, category), config.basePath);
    files.push(
      ...made(category, () => {
        const feed = feedData(ctx, category, itemOf);
        return [
          { path: at("rss"), contents: renderRss(feed, config.timeZone) },
          { path: at("atom"), contents: renderAtom(feed, ctx.time) },
          { path: at("json"), contents: renderJsonFeed(feed, ctx.time) },
        ];
      }),
    );
  }
  return files;
}
