import { Readable } from "node:stream";
import { XMLValidator } from "fast-xml-parser";
import FeedParser from "feedparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, fixture, FIXTURE_NOW, type BuiltSite } from "./helpers.js";

// Feeds are read back with feedparser (a real feed reader's parser, not our code), and JSON Feed against
// the 1.1 spec's required fields. Fixtures: newsroom (30 articles, default feedCount 50) and syndication
// (feedCount 3, baseUrl with a path, an image, relative links, headlines full of markup characters).

/** The title element's text as the XML parser decoded it: feedparser's own `title` also strips anything tag-like. */
const rawTitle = (item: FeedParser.Item) => (item["rss:title"] ?? item["atom:title"])["#"] as string;

async function parseFeed(xml: string): Promise<{ meta: FeedParser.Meta; items: FeedParser.Item[] }> {
  // feedparser's strict mode stops matching camel-cased RSS names (pubDate), so well-formedness is checked apart.
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = Readable.from([xml]).pipe(new FeedParser({ addmeta: false }));
  const items: FeedParser.Item[] = [];
  for await (const item of parser) items.push(item);
  return { meta: parser.meta, items };
}

const NEWSROOM_TITLES_TOP = [
  "Tourism season breaks records",
  "Budget vote delayed again",
  "The Paris Games open on the Seine",
];

let newsroom: BuiltSite;
let synd: BuiltSite;
beforeAll(async () => {
  [newsroom, synd] = await Promise.all([buildSite(fixture("newsroom")), buildSite(fixture("syndication"), { now: Date.UTC(2024, 6, 6) })]);
});
afterAll(async () => {
  await Promise.all([newsroom.cleanup(), synd.cleanup()]);
});

describe("RSS and Atom, read by feedparser", () => {
  it("lists every published article of the newsroom, newest first, with its instant", async () => {
    const index = newsroom.result.index!;
    for (const file of ["feed.xml", "atom.xml"]) {
      const { meta, items } = await parseFeed(await newsroom.text(file));
      expect(meta["#type"]).toBe(file === "feed.xml" ? "rss" : "atom");
      expect(items).toHaveLength(30);
      expect(items.map(rawTitle)).toEqual(index.articles.map((a) => a.title));
      expect(items.map((i) => i.pubdate?.getTime())).toEqual(index.articles.map((a) => a.date));
      expect(items.map((i) => i.guid)).toEqual(index.articles.map((a) => `https://fixture.example/${a.category}/${a.slug}/`));
      // The channel's time is the newest story's (tourism-season, 2024-07-30T04:15Z), not the build's clock.
      expect(meta.date?.getTime()).toBe(Date.UTC(2024, 6, 30, 4, 15));
      expect(meta.date?.getTime()).not.toBe(FIXTURE_NOW);
    }
  });

  it("keeps titles with &, <, quotes and non-ASCII letters exactly as written", async () => {
    for (const file of ["feed.xml", "atom.xml"]) {
      const titles = (await parseFeed(await newsroom.text(file))).items.map(rawTitle);
      expect(titles).toContain("Oil & gas: the new deal");
      expect(titles).toContain("Why <b>not bold</b> stays plain text");
      expect(titles).toContain('Minister calls plan "realistic"');
      expect(titles).toContain("Türkiye and Azərbaycan sign accord");
      expect(titles).toContain("Analysts’ “soft landing” talk returns");
    }
    const synTitles = (await parseFeed(await synd.text("atom.xml"))).items.map(rawTitle);
    expect(synTitles.slice(0, 2)).toEqual([
      "Quotes \"here\" & <tags> — Türkiye’s Azərbaycan deal",
      "Breaking: </script><script>alert(1)</script> in a headline",
    ]);
  });

  it("writes the newest feedCount items with full bodies, absolute links, authors, categories and the lead image", async () => {
    for (const file of ["feed.xml", "atom.xml"]) {
      const { meta, items } = await parseFeed(await synd.text(file));
      expect(meta.title).toBe("Caspian & Co <Daily>");
      expect(meta.link).toBe("https://synd.example/sub/");
      expect(items.map((i) => i.link)).toEqual([
        "https://synd.example/sub/politics/port-deal/",
        "https://synd.example/sub/politics/script-headline/",
        "https://synd.example/sub/culture/opera-night/",
      ]);
      const [deal] = items;
      // feedparser reads content:encoded (RSS) and content (Atom) as the description, and the dek as the summary.
      expect(deal!.description).toBe(
        '<p>The deal was <a href="https://synd.example/sub/politics/script-headline/">announced yesterday</a> and ' +
          '<a href="https://synd.example/sub/politics/quiet-day/">explained here</a>.</p>\n' +
          '<p><img src="https://synd.example/sub/media/photo-1200w.04049a51af.jpg" width="1200" height="675" alt="The port"></p>\n' +
          '<p>See <a href="https://source.example/report">the source</a> or <a href="https://synd.example/sub/politics/port-deal/#notes">the notes</a>.</p>',
      );
      // RSS descriptions are HTML to readers, so the dek's own markup characters arrive escaped; Atom says type="text".
      expect(deal!.summary).toBe(file === "feed.xml" ? "The dek &amp; its &lt;em&gt;markup&lt;/em&gt;" : "The dek & its <em>markup</em>");
      expect(deal!.pubdate?.toISOString()).toBe("2024-07-05T13:38:00.000Z");
      expect(deal!.categories).toEqual(["Politics", "oil & gas", "Türkiye"]);
      expect(deal!.enclosures.map((e) => e.url)).toEqual(["https://synd.example/sub/media/photo-1200w.04049a51af.jpg"]);
      expect(deal!.enclosures[0]!.type).toBe("image/jpeg");
      // The third item has no dek: its summary is an excerpt of the body.
      expect(items[2]!.summary).toBe("The season closed with Leyli and Majnun.");
    }
    const atom = (await parseFeed(await synd.text("atom.xml"))).items[0]!;
    expect(atom.date?.toISOString()).toBe("2024-07-06T05:00:00.000Z");
    expect(atom["atom:author"]).toBeDefined();
    const rss = await synd.text("feed.xml");
    expect(rss).toContain("<dc:creator>Anna Karimova</dc:creator>\n<dc:creator>Bob Tran</dc:creator>");
    expect(rss).toContain("<pubDate>Fri, 05 Jul 2024 17:38:00 +0400</pubDate>");
    expect(await synd.text("atom.xml")).toContain("<updated>2024-07-06T09:00:00+04:00</updated>");
  });

  it("writes the three feeds per category, an empty category's still valid and dated by the site's newest story", async () => {
    const culture = await parseFeed(await synd.text("culture/feed.xml"));
    expect(culture.meta.title).toBe("Caspian & Co <Daily>: Culture & Arts");
    expect(culture.items.map((i) => i.title)).toEqual(["Opera night at the Philharmonic", "A new gallery opens"]);
    const sport = await parseFeed(await synd.text("sport/atom.xml"));
    expect(sport.items).toEqual([]);
    expect(sport.meta.date?.toISOString()).toBe("2024-07-06T05:00:00.000Z");
    expect(JSON.parse(await synd.text("sport/feed.json")).items).toEqual([]);
    const files = await newsroom.files();
    for (const dir of ["", "analytics/", "politics/", "economy/", "world/"]) {
      for (const name of ["feed.xml", "atom.xml", "feed.json"]) expect(files).toContain(`${dir}${name}`);
    }
  });
});

describe("JSON Feed 1.1", () => {
  it("has the spec's required fields and the items in order", async () => {
    const feed = JSON.parse(await newsroom.text("feed.json"));
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.title).toBe("Fixture Times");
    expect(feed.home_page_url).toBe("https://fixture.example/");
    expect(feed.feed_url).toBe("https://fixture.example/feed.json");
    expect(Array.isArray(feed.items)).toBe(true);
    expect(feed.items).toHaveLength(30);
    for (const item of feed.items) {
      expect(typeof item.id).toBe("string");
      expect(typeof item.content_html).toBe("string");
      // RFC 3339 with an offset.
      expect(item.date_published).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    }
    const index = newsroom.result.index!;
    expect(feed.items.map((i: { date_published: string }) => Date.parse(i.date_published))).toEqual(index.articles.map((a) => a.date));
    expect(feed.items.map((i: { title: string }) => i.title)).toEqual(index.articles.map((a) => a.title));
    expect(feed.items.slice(0, 3).map((i: { title: string }) => i.title)).toEqual(NEWSROOM_TITLES_TOP);
  });

  it("gives authors as objects, the dek as summary, the lead image and the update time", async () => {
    const [deal] = JSON.parse(await synd.text("feed.json")).items;
    expect(deal.title).toBe("Quotes \"here\" & <tags> — Türkiye’s Azərbaycan deal");
    expect(deal.authors).toEqual([
      { name: "Anna Karimova", url: "https://anna.example/" },
      { name: "Bob Tran", url: "https://synd.example/sub/authors/bob-t/" },
    ]);
    expect(deal.summary).toBe("The dek & its <em>markup</em>");
    expect(deal.image).toBe("https://synd.example/sub/media/photo-1200w.04049a51af.jpg");
    expect(deal.date_published).toBe("2024-07-05T17:38:00+04:00");
    expect(deal.date_modified).toBe("2024-07-06T09:00:00+04:00");
    expect(deal.tags).toEqual(["Politics", "oil & gas", "Türkiye"]);
  });
});
