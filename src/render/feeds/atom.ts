import { element, parent, parentPieces, XML_DECLARATION, type Pieces } from "../xml.js";
import type { TimeFormatter } from "../dates.js";
import type { Feed, FeedItem } from "./feed-data.js";

/**
 * Atom 1.0 (RFC 4287); times are RFC 3339 with the site zone's offset. `entries`: each item's entry, kept for the
 * other feeds the item is in (made with this `time`).
 */
export function renderAtom(feed: Feed, time: TimeFormatter, entries = new Map<FeedItem, string>()): Pieces {
  const iso = (instant: number) => time.iso(instant);
  const entryXml = (item: FeedItem) => entries.get(item) ?? entries.set(item, atomEntry(item, iso)).get(item)!;
  const doc = parentPieces("feed", { xmlns: "http://www.w3.org/2005/Atom", "xml:lang": feed.language }, [
    element("id", {}, feed.homeUrl),
    element("title", {}, feed.title),
    element("subtitle", {}, feed.description),
    element("updated", {}, iso(feed.updated)),
    element("link", { rel: "alternate", type: "text/html", href: feed.homeUrl }),
    element("link", { rel: "self", type: "application/atom+xml", href: feed.urls.atom }),
    // Atom needs an author for every entry; a story without a byline is the newsroom's.
    parent("author", {}, [element("name", {}, feed.title)]),
    ...feed.items.map(entryXml),
  ]);
  return [`${XML_DECLARATION}\n`, ...doc, "\n"];
}

function atomEntry(item: FeedItem, iso: (instant: number) => string): string {
  return parent("entry", {}, [
    element("id", {}, item.url),
    element("title", { type: "text" }, item.title),
    element("link", { rel: "alternate", type: "text/html", href: item.url }),
    element("published", {}, iso(item.published)),
    element("updated", {}, iso(item.updated)),
    ...item.authors.map((a) => parent("author", {}, [element("name", {}, a.name), element("uri", {}, a.url)])),
    element("category", { term: item.category }),
    ...item.tags.map((tag) => element("category", { term: tag })),
    element("summary", { type: "text" }, item.summary),
    element("content", { type: "html" }, item.html),
    ...(item.image ? [element("link", { rel: "enclosure", type: item.image.type, href: item.image.url })] : []),
  ]);
}
