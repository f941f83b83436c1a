import { tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import { enUS } from "date-fns/locale/en-US";
import type { Instant } from "../../model.js";
import { escapeHtml } from "../eta.js";
import { element, parent, parentPieces, XML_DECLARATION, type Pieces } from "../xml.js";
import type { Feed, FeedItem } from "./feed-data.js";

/**
 * RSS 2.0 with content:encoded (full body), dc:creator (authors: RSS's own <author> wants an email) and media:content.
 * `items`: each item's XML, kept for the other feeds the item is in (made for this `timeZone`).
 */
export function renderRss(feed: Feed, timeZone: string, items = new Map<FeedItem, string>()): Pieces {
  const date = (instant: Instant) => rfc822(instant, timeZone);
  const itemXml = (item: FeedItem) => items.get(item) ?? items.set(item, rssItem(item, date)).get(item)!;
  const channel = parentPieces("channel", {}, [
    element("title", {}, feed.title),
    element("link", {}, feed.homeUrl),
    element("description", {}, feed.description),
    element("language", {}, feed.language),
    element("lastBuildDate", {}, date(feed.updated)),
    element("atom:link", { href: feed.urls.rss, rel: "self", type: "application/rss+xml" }),
    ...feed.items.map(itemXml),
  ]);
  const namespaces = {
    version: "2.0",
    "xmlns:atom": "http://www.w3.org/2005/Atom",
    "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
    "xmlns:dc": "http://purl.org/dc/elements/1.1/",
    "xmlns:media": "http://search.yahoo.com/mrss/",
  };
  return [`${XML_DECLARATION}\n`, ...parentPieces("rss", namespaces, [channel]), "\n"];
}

function rssItem(item: FeedItem, date: (instant: Instant) => string): string {
  return parent("item", {}, [
    element("title", {}, item.title),
    element("link", {}, item.url),
    element("guid", { isPermaLink: "true" }, item.url),
    element("pubDate", {}, date(item.published)),
    ...item.authors.map((a) => element("dc:creator", {}, a.name)),
    element("category", {}, item.category),
    ...item.tags.map((tag) => element("category", {}, tag)),
    // Readers take an RSS description as HTML: the dek is text, so its own "<" must show, not parse.
    element("description", {}, escapeHtml(item.summary)),
    element("content:encoded", {}, item.html),
    // RSS wants the file size; it is not known for remote images, and 0 is what readers accept for "unknown".
    ...(item.image ? [element("enclosure", { url: item.image.url, length: "0", type: item.image.type })] : []),
    ...(item.image ? [element("media:content", { url: item.image.url, medium: "image", type: item.image.type })] : []),
  ]);
}

/** RFC 822 as RSS uses it, in the site's zone: "Fri, 05 Jul 2024 17:38:00 +0400" (English names whatever the language). */
export function rfc822(instant: Instant, timeZone: string): string {
  return format(instant, "EEE, dd MMM yyyy HH:mm:ss xx", { in: tz(timeZone), locale: enUS });
}
