import type { TimeFormatter } from "../dates.js";
import type { Pieces } from "../xml.js";
import type { Feed, FeedItem } from "./feed-data.js";

/**
 * JSON Feed 1.1 (https://jsonfeed.org/version/1.1): authors as objects, language, content_html. As pieces, the
 * text of `JSON.stringify(doc, null, 2)`: `items` holds each item's text, kept for the other feeds the item is
 * in (made with this `time`).
 */
export function renderJsonFeed(feed: Feed, time: TimeFormatter, items = new Map<FeedItem, string>()): Pieces {
  const iso = (instant: number) => time.iso(instant);
  const head = JSON.stringify(
    {
      version: "https://jsonfeed.org/version/1.1",
      title: feed.title,
      home_page_url: feed.homeUrl,
      feed_url: feed.urls.json,
      description: feed.description,
      language: feed.language,
      items: [],
    },
    null,
    2,
  );
  if (feed.items.length === 0) return [head, "\n"];
  // An item two levels deep: each of its lines indented four spaces more (a string in JSON holds no line break).
  const itemText = (item: FeedItem) => `    ${JSON.stringify(jsonItem(item, iso), null, 2).replaceAll("\n", "\n    ")}`;
  const out: Pieces = [`${head.slice(0, -"[]\n}".length)}[\n`];
  feed.items.forEach((item, i) => {
    if (i > 0) out.push(",\n");
    out.push(items.get(item) ?? items.set(item, itemText(item)).get(item)!);
  });
  out.push("\n  ]\n}\n");
  return out;
}

function jsonItem(item: FeedItem, iso: (instant: number) => string): object {
  return {
    id: item.url,
    url: item.url,
    title: item.title,
    content_html: item.html,
    summary: item.summary,
    ...(item.image && { image: item.image.url }),
    date_published: iso(item.published),
    date_modified: iso(item.updated),
    ...(item.authors.length > 0 && { authors: item.authors }),
    tags: [item.category, ...item.tags],
    ...(item.image && { attachments: [{ url: item.image.url, mime_type: item.image.type }] }),
  };
}
