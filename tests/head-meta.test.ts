import type { CheerioAPI } from "cheerio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, fixture, type BuiltSite } from "./helpers.js";

// Page metadata in <head>, on the syndication fixture (baseUrl https://synd.example/sub/, logo, an article
// with an image and two authors, a headline that contains "</script>").

let site: BuiltSite;
beforeAll(async () => {
  site = await buildSite(fixture("syndication"), { now: Date.UTC(2024, 6, 6) });
});
afterAll(() => site.cleanup());

const meta = ($: CheerioAPI, attr: "property" | "name", key: string) => $(`meta[${attr}="${key}"]`).map((_, m) => $(m).attr("content")).get();
const jsonLd = ($: CheerioAPI) => $('script[type="application/ld+json"]').map((_, s) => JSON.parse($(s).text())).get();

describe("every page's head", () => {
  it("has title, description, canonical, lang, OpenGraph, Twitter card and the site feeds", async () => {
    for (const url of ["/sub/", "/sub/politics/port-deal/", "/sub/news/", "/sub/tags/music/", "/sub/authors/bob-t/"]) {
      const $ = await site.page(url.replace("/sub", ""));
      expect($("html").attr("lang")).toBe("en-GB");
      expect($("title").text()).not.toBe("");
      expect($('meta[name="description"]').attr("content")).not.toBe("");
      expect($('link[rel="canonical"]').attr("href")).toBe(`https://synd.example${url}`);
      expect(meta($, "property", "og:site_name")).toEqual(["Caspian & Co <Daily>"]);
      expect(meta($, "property", "og:url")).toEqual([`https://synd.example${url}`]);
      for (const key of ["og:type", "og:title", "og:description"]) expect(meta($, "property", key)).toHaveLength(1);
      for (const key of ["twitter:card", "twitter:title", "twitter:description"]) expect(meta($, "name", key)).toHaveLength(1);
      expect($('link[rel="alternate"]').map((_, l) => `${$(l).attr("type")} ${$(l).attr("href")}`).get().slice(0, 3)).toEqual([
        "application/rss+xml /sub/feed.xml",
        "application/atom+xml /sub/atom.xml",
        "application/feed+json /sub/feed.json",
      ]);
    }
  });

  it("on a category page adds the category's own feeds and rel=prev/next between its pages", async () => {
    const first = await site.page("/politics/");
    expect(first('link[rel="alternate"]').map((_, l) => first(l).attr("href")).get()).toEqual([
      "/sub/feed.xml", "/sub/atom.xml", "/sub/feed.json", "/sub/politics/feed.xml", "/sub/politics/atom.xml", "/sub/politics/feed.json",
    ]);
    expect(first('head link[rel="prev"]')).toHaveLength(0);
    expect(first('head link[rel="next"]').attr("href")).toBe("/sub/politics/page/2/");
    const second = await site.page("/politics/page/2/");
    expect(second('head link[rel="prev"]').attr("href")).toBe("/sub/politics/");
    expect(second('head link[rel="next"]')).toHaveLength(0);
  });
});

describe("an article's head", () => {
  it("has article:* times with the site offset, section, tags and the lead image", async () => {
    const $ = await site.page("/politics/port-deal/");
    expect(meta($, "property", "og:type")).toEqual(["article"]);
    expect(meta($, "property", "og:title")).toEqual(["Quotes \"here\" & <tags> — Türkiye’s Azərbaycan deal"]);
    expect(meta($, "property", "og:image")).toEqual(["https://synd.example/sub/media/photo-1200w.04049a51af.jpg"]);
    expect(meta($, "property", "article:published_time")).toEqual(["2024-07-05T17:38:00+04:00"]);
    expect(meta($, "property", "article:modified_time")).toEqual(["2024-07-06T09:00:00+04:00"]);
    expect(meta($, "property", "article:section")).toEqual(["Politics"]);
    expect(meta($, "property", "article:tag")).toEqual(["oil & gas", "Türkiye"]);
    expect(meta($, "name", "twitter:card")).toEqual(["summary_large_image"]);
  });

  it("has a NewsArticle and a BreadcrumbList in JSON-LD", async () => {
    const $ = await site.page("/politics/port-deal/");
    const [news, crumbs] = jsonLd($);
    expect(news).toEqual({
      "@context": "https://schema.org",
      "@type": "NewsArticle",
      headline: "Quotes \"here\" & <tags> — Türkiye’s Azərbaycan deal",
      description: "The dek & its <em>markup</em>",
      datePublished: "2024-07-05T17:38:00+04:00",
      dateModified: "2024-07-06T09:00:00+04:00",
      author: [
        { "@type": "Person", name: "Anna Karimova", url: "https://anna.example/" },
        { "@type": "Person", name: "Bob Tran", url: "https://synd.example/sub/authors/bob-t/" },
      ],
      publisher: {
        "@type": "Organization",
        name: "Caspian & Co <Daily>",
        url: "https://synd.example/sub/",
        logo: { "@type": "ImageObject", url: "https://synd.example/sub/media/logo.png" },
      },
      image: ["https://synd.example/sub/media/photo-1200w.04049a51af.jpg"],
      mainEntityOfPage: { "@type": "WebPage", "@id": "https://synd.example/sub/politics/port-deal/" },
      url: "https://synd.example/sub/politics/port-deal/",
      inLanguage: "en-GB",
      articleSection: "Politics",
      keywords: ["oil & gas", "Türkiye"],
    });
    expect(crumbs["@type"]).toBe("BreadcrumbList");
    expect(crumbs.itemListElement.map((c: { position: number; name: string; item: string }) => [c.position, c.name, c.item])).toEqual([
      [1, "Caspian & Co <Daily>", "https://synd.example/sub/"],
      [2, "Politics", "https://synd.example/sub/politics/"],
      [3, "Quotes \"here\" & <tags> — Türkiye’s Azərbaycan deal", "https://synd.example/sub/politics/port-deal/"],
    ]);
  });

  it("cannot be broken out of by a headline that contains </script>", async () => {
    const html = await site.text("politics/script-headline/index.html");
    expect(html).not.toContain("</script><script>alert(1)");
    expect(html).toContain("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)");
    const $ = await site.page("/politics/script-headline/");
    expect($("script").length).toBe(2);
    expect(jsonLd($)[0].headline).toBe("Breaking: </script><script>alert(1)</script> in a headline");
  });
});

describe("the home page's head", () => {
  it("has WebSite and Organization JSON-LD", async () => {
    const $ = await site.page("/");
    expect(jsonLd($)).toEqual([
      {
        "@context": "https://schema.org",
        "@type": "WebSite",
        name: "Caspian & Co <Daily>",
        url: "https://synd.example/sub/",
        inLanguage: "en-GB",
        description: 'News from the "Caspian" shore',
      },
      {
        "@context": "https://schema.org",
        "@type": "Organization",
        name: "Caspian & Co <Daily>",
        url: "https://synd.example/sub/",
        logo: { "@type": "ImageObject", url: "https://synd.example/sub/media/logo.png" },
      },
    ]);
    expect(meta($, "property", "og:type")).toEqual(["website"]);
    expect(meta($, "property", "og:image")).toEqual(["https://synd.example/sub/media/logo.png"]);
  });
});
