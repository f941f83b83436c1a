import type { Article, OutputFile } from "../../model.js";
import { outputPath } from "../../routes/urls.js";
import type { ViewContext } from "../view-model.js";
import type { FeedBodies } from "../../write/feed-bodies.js";
import { utf8Pieces } from "../page-bytes.js";
import { renderAtom } from "./atom.js";
import { feedData, feedItem, type FeedItem } from "./feed-data.js";
import { renderJsonFeed } from "./json-feed.js";
import { renderRss } from "./rss.js";

/**
 * RSS, Atom and JSON Feed for the whole site (no category) or one category. A story is in the site feed and in
 * its category's: the renderer makes each story's item, body included, once, and its text in each format once.
 * With `asBytes`, the files come as UTF-8, encoded piece by piece (see Pieces).
 */
export function feedRenderer(ctx: ViewContext, bodies?: FeedBodies, asBytes = false): (category: string | undefined) => OutputFile[] {
  const { config } = ctx.index;
  const items = new Map<Article, FeedItem>();
  const itemOf = (a: Article) => items.get(a) ?? items.set(a, feedItem(ctx, a, bodies)).get(a)!;
  const made = { rss: new Map<FeedItem, string>(), atom: new Map<FeedItem, string>(), json: new Map<FeedItem, string>() };
  const contents = (pieces: string[]) => (asBytes ? utf8Pieces(pieces) : pieces.join(""));
  return (category) => {
    const at = (format: "rss" | "atom" | "json") => outputPath(ctx.urls.feed(format, category), config.basePath);
    const feed = feedData(ctx, category, itemOf);
    return [
      { path: at("rss"), contents: contents(renderRss(feed, config.timeZone, made.rss)) },
      { path: at("atom"), contents: contents(renderAtom(feed, ctx.time, made.atom)) },
      { path: at("json"), contents: contents(renderJsonFeed(feed, ctx.time, made.json)) },
    ];
  };
}
