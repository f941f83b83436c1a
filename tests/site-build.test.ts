import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { load } from "cheerio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, fixture, urlToFile, type BuiltSite } from "./helpers.js";
import { KNOWN_MISSING } from "./support/sites.js";

// The hand-made fixture in tests/fixtures/newsroom; EXPECTED.md there lists every article with its instant.
// site.yml: latestNewsCount 10, readAlsoCount 4, pageSize 5, Asia/Baku.

const NEWEST_FIRST = [
  "tourism-season", "budget-vote-delayed", "paris-games-open", "central-asia-water", "manat-exchange-rate",
  "opposition-rally", "script-in-dek", "gas-pipeline-capacity", "pacific-trade-meeting", "central-asia-summit",
  "rate-cut-question", "refinery-upgrade", "custom-slug-here", "tie-alpha", "tie-beta",
  "oil-price-weekly", "election-commission", "order-trap-later", "order-trap-earlier", "oil-and-gas-new-deal",
  "parliament-summer-session", "data-desk-methods", "not-bold-headline", "heatwave-europe", "zone-display-check",
  "inflation-tracker-june", "minister-realistic", "soft-landing-talk", "accord-signed", "analytics-weekly-outlook",
];

let site: BuiltSite;
beforeAll(async () => {
  site = await buildSite(fixture("newsroom"));
});
afterAll(() => site.cleanup());

const slugsOf = (hrefs: string[]) => hrefs.map((h) => h.split("/").filter(Boolean).at(-1));
const links = ($: ReturnType<typeof load>, selector: string) => $(selector).map((_, a) => $(a).attr("href")).get();

describe("the fixture newsroom", () => {
  it("builds without problems", () => {
    expect(site.result.diagnostics).toEqual([]);
    expect(site.result.ok).toBe(true);
    expect(site.result.index?.articles.map((a) => a.slug)).toEqual(NEWEST_FIRST);
  });

  it("shows an article's Read also: the 4 newest other articles of its category, newest first", async () => {
    const $ = await site.page("/analytics/tie-beta/");
    expect($(".read-also .item-title").map((_, a) => $(a).text()).get()).toEqual([
      "A dek that tries to run code",
      "Will the central bank cut rates?",
      "Tie alpha",
      "Order trap, the later one",
    ]);
    const newest = await site.page("/analytics/script-in-dek/");
    expect(slugsOf(links(newest, ".read-also .item-title"))).toEqual(["rate-cut-question", "tie-alpha", "tie-beta", "order-trap-later"]);
    // A category with fewer articles than readAlsoCount lists all the others.
    const world = await site.page("/world/paris-games-open/");
    expect(slugsOf(links(world, ".read-also .item-title"))).toEqual(["central-asia-water", "pacific-trade-meeting", "heatwave-europe"]);
    expect(links(world, ".read-also .item-title")[0]).toBe("/world/central-asia-water/");
  });

  it("shows the same Latest news on every page: the 10 newest articles site-wide, then All news", async () => {
    for (const url of ["/", "/analytics/tie-beta/", "/news/page/3/", "/about/"]) {
      const $ = await site.page(url);
      expect(slugsOf(links($, ".latest-news .timeline a"))).toEqual(NEWEST_FIRST.slice(0, 10));
      expect($(".latest-news .all-news a").attr("href")).toBe("/news/");
      expect($(".latest-news .all-news a").text()).toBe("All news");
    }
    const $ = await site.page("/");
    expect($(".latest-news .timeline li").first().find("time").text()).toBe("30 July 2024 - 08:15");
  });

  it("shows times in the site's zone with the full instant in datetime", async () => {
    const cases: [string, string, string][] = [
      ["/analytics/zone-display-check/", "07 July 2024 - 02:30", "2024-07-07T02:30:00+04:00"],
      ["/analytics/soft-landing-talk/", "03 July 2024 - 00:00", "2024-07-03T00:00:00+04:00"],
      ["/analytics/inflation-tracker-june/", "05 July 2024 - 17:38", "2024-07-05T17:38:00+04:00"],
      ["/politics/parliament-summer-session/", "10 July 2024 - 19:00", "2024-07-10T19:00:00+04:00"],
      ["/analytics/data-desk-methods/", "09 July 2024 - 14:20", "2024-07-09T14:20:45+04:00"],
    ];
    for (const [url, text, iso] of cases) {
      const $ = await site.page(url);
      const time = $(".article-kicker time");
      expect(time.text()).toBe(text);
      expect(time.attr("datetime")).toBe(iso);
    }
  });

  it("renders the article page in the reference order", async () => {
    const $ = await site.page("/analytics/not-bold-headline/");
    expect($("h1")).toHaveLength(1);
    expect($(".article-kicker .category-label").text()).toBe("Analytics");
    expect($(".article-kicker .category-label").attr("href")).toBe("/analytics/");
    expect($(".byline a").map((_, a) => $(a).text()).get()).toEqual(["Anna Karimova", "Bob Tran"]);
    expect(links($, ".byline a")).toEqual(["/authors/anna-k/", "/authors/bob-t/"]);
    expect($(".cta a").attr("href")).toBe("https://t.me/fixture_times");
    expect($(".cta a").text()).toBe("Subscribe to our Telegram channel");
    const order = ["article-kicker", "h1", "byline", "article-body", "cta", "read-also", "latest-news"].map((sel) =>
      $.html().indexOf(sel === "h1" ? "<h1>" : `class="${sel}`),
    );
    expect(order.every((pos) => pos > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("escapes titles and deks: shown exactly as written, never as markup", async () => {
    const bold = await site.page("/analytics/not-bold-headline/");
    expect(bold("h1").text()).toBe("Why <b>not bold</b> stays plain text");
    expect(bold("h1 b")).toHaveLength(0);
    expect(bold("title").text()).toBe("Why <b>not bold</b> stays plain text | Fixture Times");
    const script = await site.page("/analytics/script-in-dek/");
    expect(script(".article-header .dek").text()).toBe("<script>alert(1)</script> must be shown as text");
    expect(script("main script")).toHaveLength(0);
    const raw = await site.text("analytics/script-in-dek/index.html");
    expect(raw).toContain("&lt;script&gt;alert(1)&lt;/script&gt; must be shown as text");
    const amp = await site.page("/economy/oil-and-gas-new-deal/");
    expect(amp("h1").text()).toBe("Oil & gas: the new deal");
    expect(await site.text("economy/oil-and-gas-new-deal/index.html")).toContain("<h1>Oil &amp; gas: the new deal</h1>");
    expect((await site.page("/politics/accord-signed/"))("h1").text()).toBe("Türkiye and Azərbaycan sign accord");
    expect((await site.page("/analytics/soft-landing-talk/"))("h1").text()).toBe("Analysts’ “soft landing” talk returns");
    expect((await site.page("/politics/minister-realistic/"))("h1").text()).toBe('Minister calls plan "realistic"');
  });

  it("paginates All news and category pages with prev, next and numbered links", async () => {
    const pageSlugs = async (url: string) => slugsOf(links(await site.page(url), "main .list .item-title"));
    expect(await pageSlugs("/news/")).toEqual(NEWEST_FIRST.slice(0, 5));
    expect(await pageSlugs("/news/page/2/")).toEqual(NEWEST_FIRST.slice(5, 10));
    expect(await pageSlugs("/news/page/6/")).toEqual(NEWEST_FIRST.slice(25, 30));
    expect(existsSync(path.join(site.out, "news/page/7/index.html"))).toBe(false);
    expect(existsSync(path.join(site.out, "news/page/1/index.html"))).toBe(false);

    const second = await site.page("/news/page/2/");
    expect(second(".pagination a[rel=prev]").attr("href")).toBe("/news/");
    expect(second(".pagination a[rel=next]").attr("href")).toBe("/news/page/3/");
    expect(second(".pagination ol li").map((_, li) => second(li).text()).get()).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(second(".pagination [aria-current=page]").text()).toBe("2");
    const first = await site.page("/news/");
    expect(first(".pagination a[rel=prev]")).toHaveLength(0);
    const last = await site.page("/news/page/6/");
    expect(last(".pagination a[rel=next]")).toHaveLength(0);

    expect(await pageSlugs("/analytics/page/3/")).toEqual(["soft-landing-talk", "analytics-weekly-outlook"]);
    expect(await pageSlugs("/world/")).toEqual(["paris-games-open", "central-asia-water", "pacific-trade-meeting", "heatwave-europe"]);
    expect((await site.page("/world/"))(".pagination")).toHaveLength(0);
  });

  it("builds author and tag pages, leaving drafts and scheduled articles out everywhere", async () => {
    const tagSlugs = slugsOf(links(await site.page("/tags/oil/"), "main .list .item-title"));
    expect(tagSlugs).toEqual(["refinery-upgrade", "oil-price-weekly", "oil-and-gas-new-deal", "inflation-tracker-june"]);
    expect(slugsOf(links(await site.page("/tags/central-asia/"), "main .list .item-title"))).toEqual(["central-asia-water", "central-asia-summit"]);
    expect(slugsOf(links(await site.page("/tags/turkiye/"), "main .list .item-title"))).toEqual(["gas-pipeline-capacity", "accord-signed"]);
    const celine = await site.page("/authors/celine-d/");
    expect(celine("h1").text()).toBe("Céline D’Arcy");
    expect(slugsOf(links(celine, "main .list .item-title"))).toEqual(["tourism-season", "paris-games-open", "gas-pipeline-capacity", "central-asia-summit", "refinery-upgrade"]);
    expect(slugsOf(links(await site.page("/authors/celine-d/page/3/"), "main .list .item-title"))).toEqual(["accord-signed"]);

    const files = await site.files();
    expect(files.filter((f) => f.includes("unfinished-analysis") || f.includes("new-year-outlook"))).toEqual([]);
    expect(site.result.index?.scheduled.map((a) => a.slug)).toEqual(["new-year-outlook"]);
  });

  it("uses the custom slug and the body's Markdown", async () => {
    expect(existsSync(path.join(site.out, "politics/custom-slug-here/index.html"))).toBe(true);
    expect(existsSync(path.join(site.out, "politics/coalition-talks/index.html"))).toBe(false);
    const $ = await site.page("/analytics/data-desk-methods/");
    expect($(".article-body h2, .article-body h3").length).toBeGreaterThan(0);
    expect($(".article-body ul li").length).toBeGreaterThan(0);
    expect($(".article-body strong").length).toBeGreaterThan(0);
  });

  it("builds the home page with the newest story as the lead", async () => {
    const $ = await site.page("/");
    expect($("h1")).toHaveLength(1);
    expect($(".lead-story h2 a").text()).toBe("Tourism season breaks records");
    expect($(".lead-story h2 a").attr("href")).toBe("/economy/tourism-season/");
    expect(slugsOf(links($, ".top-stories .item-title"))).toEqual(NEWEST_FIRST.slice(1, 7));
    expect($(".category-block h2").map((_, h) => $(h).text()).get()).toEqual(["Analytics", "Politics", "Economy", "World"]);
  });

  it("writes a static page and a 404 page", async () => {
    expect((await site.page("/about/"))("h1").text()).toBe("About us");
    expect((await site.page("/404.html"))("h1").text()).toBe("Page not found");
  });

  it("has no internal link or asset that does not resolve to a file of the output", async () => {
    const broken: string[] = [];
    const htmlFiles = (await site.files()).filter((f) => f.endsWith(".html"));
    // home, 30 articles, about, All news 6, categories 3+2+2+1, authors 2+2+3, 12 tags, 404
    expect(htmlFiles.length).toBe(1 + 30 + 1 + 6 + 3 + 2 + 2 + 1 + 7 + 12 + 1);
    for (const file of htmlFiles) {
      const $ = load(await readFile(path.join(site.out, file), "utf8"));
      for (const el of $("a[href], link[href], img[src], script[src]").toArray()) {
        const ref = $(el).attr("href") ?? $(el).attr("src")!;
        if (/^[a-z]+:|^\/\//i.test(ref) || ref.startsWith("#") || KNOWN_MISSING.has(ref)) continue;
        const target = ref.startsWith("/") ? ref : path.posix.join("/", path.posix.dirname(file), ref);
        if (!existsSync(path.join(site.out, urlToFile(target)))) broken.push(`${file} → ${ref}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
