import type { TimeFormatter } from "../dates.js";
import type { Feed } from "./feed-data.js";

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1): authors as objects, language, content_html. */
export function renderJsonFeed(feed: Feed, time: TimeFormatter): string {
  const iso = (instant: number) => time.iso(instant);
  const doc = {
    version: "https://jsonfeed.org/version/1.1",
    title: feed.title,
    home_page_url: feed.homeUrl,
    feed_url: feed.urls.json,
    description: feed.description,
    language: feed.language,
    items: feed.items.map((item) => ({
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
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
