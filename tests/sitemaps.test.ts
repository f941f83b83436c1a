import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTimeFormatter } from "../src/render/dates.js";
import { buildSiteIndex } from "../src/site/build-site-index.js";
import type { Article } from "../src/model.js";
import { renderNewsSitemap, renderSitemaps, sitemapEntries, splitSitemap, type SitemapEntry } from "../src/render/sitemaps.js";
import { makeUrls } from "../src/routes/urls.js";
import { enUS } from "date-fns/locale/en-US";
import { buildSite, fixture, type BuiltSite } from "./helpers.js";

const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9";
const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => ["url", "sitemap"].includes(name), parseTagValue: false });

function parse(text: string) {
  expect(XMLValidator.validate(text)).toBe(true);
  return xml.parse(text);
}

let site: BuiltSite;
beforeAll(async () => {
  site = await buildSite(fixture("newsroom"));
});
afterAll(() => site.cleanup());

describe("/sitemap.xml", () => {
  it("lists every public page once (not the 404 page), in the sitemaps.org namespace, with lastmod", async () => {
    const doc = parse(await site.text("sitemap.xml"));
    expect(doc.urlset["@_xmlns"]).toBe(SITEMAP_NS);
    const locs: string[] = doc.urlset.url.map((u: { loc: string }) => u.loc);
    const pages = (await site.files()).filter((f) => f.endsWith("index.html")).map((f) => `https://fixture.example/${f.replace(/index\.html$/, "")}`);
    expect([...locs].sort()).toEqual(pages.sort());
    expect(new Set(locs).size).toBe(locs.length);
    const lastmod = (loc: string) => doc.urlset.url.find((u: { loc: string }) => u.loc === loc)?.lastmod;
    // An article: its update time, with the site's offset.
    expect(lastmod("https://fixture.example/analytics/inflation-tracker-june/")).toBe("2024-07-06T09:00:00+04:00");
    // A listing page: its newest item; the home page: the newest story.
    expect(lastmod("https://fixture.example/")).toBe("2024-07-30T08:15:00+04:00");
    expect(lastmod("https://fixture.example/politics/")).toBe("2024-07-29T03:50:00+04:00");
    // A static page has no date to give.
    expect(lastmod("https://fixture.example/about/")).toBeUndefined();
  });

  it("dates the home page by its newest story in an archive of 200,000 stories (more than a spread argument list takes)", () => {
    const urls = makeUrls({ basePath: "/", baseUrl: "https://x.example/" });
    const newest = Date.UTC(2024, 6, 5, 13, 38);
    const articles = Array.from({ length: 200_000 }, (_, i) => ({ date: i === 123_456 ? newest : Date.UTC(2020, 0, 1) + i * 60_000 }) as Article);
    const index = { articles } as unknown as Parameters<typeof sitemapEntries>[1];
    const entries = sitemapEntries([{ kind: "home", url: "/" } as Parameters<typeof sitemapEntries>[0][number]], index, urls);
    expect(entries).toEqual([{ loc: "https://x.example/", lastmod: newest }]);
  });

  it("becomes a sitemap index of numbered parts over the URL limit", () => {
    const urls = makeUrls({ basePath: "/", baseUrl: "https://x.example/" });
    const time = makeTimeFormatter("Asia/Baku", "yyyy", enUS);
    const entries: SitemapEntry[] = Array.from({ length: 7 }, (_, i) => ({ loc: `https://x.example/p${i}/`, lastmod: Date.UTC(2024, 0, 1 + i) }));
    const files = renderSitemaps(entries, urls, "/", time, { urls: 3, bytes: 1_000_000 });
    expect(files.map((f) => f.path)).toEqual(["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]);
    const contents = files.map((f) => ("contents" in f ? String(f.contents) : ""));
    const index = parse(contents[0]!);
    expect(index.sitemapindex["@_xmlns"]).toBe(SITEMAP_NS);
    expect(index.sitemapindex.sitemap).toEqual([
      { loc: "https://x.example/sitemap-1.xml", lastmod: "2024-01-03T04:00:00+04:00" },
      { loc: "https://x.example/sitemap-2.xml", lastmod: "2024-01-06T04:00:00+04:00" },
      { loc: "https://x.example/sitemap-3.xml", lastmod: "2024-01-07T04:00:00+04:00" },
    ]);
    const parts = contents.slice(1).map((c) => parse(c).urlset.url.map((u: { loc: string }) => u.loc));
    expect(parts).toEqual([
      ["https://x.example/p0/", "https://x.example/p1/", "https://x.example/p2/"],
      ["https://x.example/p3/", "https://x.example/p4/", "https://x.example/p5/"],
      ["https://x.example/p6/"],
    ]);
    // Under the limit, the sitemap stays one urlset.
    expect(renderSitemaps(entries, urls, "/", time).map((f) => f.path)).toEqual(["sitemap.xml"]);
  });

  it("splits by size too, never leaving a part empty", () => {
    const lines = ["a".repeat(100), "b".repeat(100), "c".repeat(100)];
    expect(splitSitemap(lines, { urls: 50_000, bytes: 420 }).map((p) => p.length)).toEqual([2, 1]);
    expect(splitSitemap([], { urls: 3, bytes: 1000 })).toEqual([[]]);
  });
});

describe("/news-sitemap.xml", () => {
  const newsOf = async (now: number) => {
    const built = await buildSite(fixture("newsroom"), { now });
    try {
      const doc = parse(await built.text("news-sitemap.xml"));
      expect(doc.urlset["@_xmlns"]).toBe(SITEMAP_NS);
      expect(doc.urlset["@_xmlns:news"]).toBe(NEWS_NS);
      return (doc.urlset.url ?? []) as { loc: string; "news:news": Record<string, unknown> }[];
    } finally {
      await built.cleanup();
    }
  };

  it("lists only the articles of the two days before the build's clock, newest first", async () => {
    // now = 2024-07-27T00:00Z: the window is (2024-07-25T00:00Z, 2024-07-27T00:00Z].
    const urls = await newsOf(Date.UTC(2024, 6, 27));
    expect(urls.map((u) => u.loc)).toEqual([
      "https://fixture.example/world/paris-games-open/",
      "https://fixture.example/world/central-asia-water/",
      "https://fixture.example/economy/manat-exchange-rate/",
    ]);
    expect(urls[0]!["news:news"]).toEqual({
      "news:publication": { "news:name": "Fixture Times", "news:language": "en" },
      "news:publication_date": "2024-07-26T21:30:00+04:00",
      "news:title": "The Paris Games open on the Seine",
    });
  });

  it("keeps the title's special characters and stays valid when no story is recent", async () => {
    // now = 2024-07-12T12:00Z: order-trap-later (14:00Z that day) is not published yet.
    const urls = await newsOf(Date.UTC(2024, 6, 12, 12));
    expect(urls.map((u) => u.loc)).toEqual([
      "https://fixture.example/analytics/order-trap-earlier/",
      "https://fixture.example/economy/oil-and-gas-new-deal/",
      "https://fixture.example/politics/parliament-summer-session/",
    ]);
    expect(urls[1]!["news:news"]["news:title"]).toBe("Oil & gas: the new deal");
    expect(await newsOf(Date.UTC(2024, 8, 1))).toEqual([]);
  });
});

describe("/news-sitemap.xml, a busy newsroom", () => {
  it("lists at most 1,000 articles, the newest", () => {
    const config = site.result.index!.config;
    const now = Date.UTC(2024, 6, 27);
    const articles: Article[] = Array.from({ length: 1200 }, (_, i) => ({
      file: `a${i}.md`, slug: `story-${String(i).padStart(4, "0")}`, title: `Story ${i}`, category: "world", authors: [],
      date: now - i * 60_000, tags: [], draft: false, aliases: [], body: "", bodyLine: 1, source: `s${i}`, head: `h${i}`, bodyHasImages: false,
    }));
    const index = buildSiteIndex(articles, [], config, now);
    const file = renderNewsSitemap(index, makeUrls(config), makeTimeFormatter(config.timeZone, "yyyy", enUS));
    const urls = parse(String("contents" in file ? file.contents : "")).urlset.url;
    expect(urls).toHaveLength(1000);
    expect(urls[0].loc).toBe("https://fixture.example/world/story-0000/");
    expect(urls[999].loc).toBe("https://fixture.example/world/story-0999/");
  });
});

describe("/robots.txt", () => {
  it("names both sitemaps by absolute URL", async () => {
    expect(await site.text("robots.txt")).toBe(
      "User-agent: *\nAllow: /\n\nSitemap: https://fixture.example/sitemap.xml\nSitemap: https://fixture.example/news-sitemap.xml\n",
    );
  });
});
