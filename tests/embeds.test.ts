import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyEmbed } from "../src/render/embed-providers.js";
import { createMarkdown } from "../src/render/markdown.js";
import { buildSite, fixture, type BuiltSite } from "./helpers.js";

// tests/fixtures/embeds: one article with every kind of embed, a video piece, an updated story.
// site.yml allows iframes from datawrapper.dwcdn.net only.

let site: BuiltSite;
beforeAll(async () => {
  site = await buildSite(fixture("embeds"));
});
afterAll(() => site.cleanup());

const page = () => site.page("/local/all-embeds/");
/** Headlines next to a marker on a page, by the marker's selector. */
const markedIn = async (url: string) => {
  const $ = await site.page(url);
  return (selector: string) => $(selector).map((_, m) => $(m).parent().find("a").first().text()).get();
};

describe("embeds", () => {
  it("builds without problems", () => {
    expect(site.result.diagnostics).toEqual([]);
  });

  it("shows a YouTube video as a click-to-load link to the privacy-enhanced player", async () => {
    const $ = await page();
    const facade = $(".embed-video a.embed-facade");
    expect(facade.attr("href")).toBe("https://www.youtube.com/watch?v=aqz-KE-bpKQ");
    expect(facade.attr("data-embed-src")).toBe("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1");
    expect(facade.find(".embed-label").text()).toBe("Play video: Big Buck Bunny, the trailer");
  });

  it("shows an X post as a quote with its author and a link, its text escaped", async () => {
    const $ = await page();
    const post = $(".embed-x");
    expect(post.find("blockquote").attr("cite")).toBe("https://x.com/caspian_news/status/1809876543210987654");
    expect(post.find("blockquote p").html()).toBe("Talks resume <strong>on Monday</strong> in Baku. &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(post.find(".embed-author").text()).toBe("Caspian News (@caspian_news)");
    expect(post.find("figcaption a").attr("href")).toBe("https://x.com/caspian_news/status/1809876543210987654");
  });

  it("shows a Telegram post as a quote, naming the channel when no author line is given", async () => {
    const $ = await page();
    const post = $(".embed-telegram");
    expect(post.find("blockquote p").map((_, p) => $(p).text()).get()).toEqual(["Ferry service restored.", "Second paragraph of the post."]);
    expect(post.find(".embed-author").text()).toBe("caspiandispatch");
    expect(post.find("figcaption").text()).toBe("caspiandispatch on Telegram: view the post");
    expect(post.find("figcaption a").attr("href")).toBe("https://t.me/caspiandispatch/4521");
  });

  it("loads iframes only from allowed hosts, and only on click; other URLs become plain links", async () => {
    const $ = await page();
    expect($(".embed-frame a.embed-facade").attr("data-embed-src")).toBe("https://datawrapper.dwcdn.net/AbC12/1/");
    expect($(".embed-frame .embed-label").text()).toBe("Load: Oil exports by month");
    expect($("p.embed-link a").map((_, a) => $(a).attr("href")).get()).toEqual(["https://evil.example/widget"]);
    expect($(".article-body").html()).toContain("<p>javascript:alert(1)</p>");
    expect($(".article-body a[href^='javascript']").length).toBe(0);
  });

  it("needs no third-party request to read the page: no foreign script, iframe, image or stylesheet", async () => {
    const $ = await page();
    expect($("iframe").length).toBe(0);
    expect($("script[src]").map((_, s) => $(s).attr("src")).get()).toEqual([expect.stringMatching(/^\/assets\/embeds\.[0-9a-f]{10}\.js$/)]);
    expect($("script:not([src]):not([type=\"application/ld+json\"])").length).toBe(0);
    const loaded = $("img[src], source[srcset], link[rel=stylesheet], video, audio, object, embed").map((_, e) => $(e).attr("src") ?? $(e).attr("href") ?? $(e).attr("srcset")).get();
    expect(loaded.filter((url) => !url.startsWith("/"))).toEqual([]);
    const script = await readFile(path.join(site.out, $("script[src]").attr("src")!.slice(1)), "utf8");
    expect(script).toContain("data-embed-src");
  });

  it("leads a video piece with its player and marks it VIDEO in lists", async () => {
    const $ = await site.page("/video/evening-film/");
    const parts = $("article").children().map((_, e) => $(e).attr("class")).get();
    expect(parts.slice(0, 3)).toEqual(["article-header", "lead-video", "article-body"]);
    expect($(".lead-video a.embed-facade").attr("data-embed-src")).toBe("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1");
    expect($(".lead-video .embed-label").text()).toBe("Play video: Evening film");
    expect($("script[src^='/assets/embeds.']").length).toBe(1);
    const marked = await markedIn("/news/");
    expect(marked(".list .marker-video")).toEqual(["Evening film"]);
    expect(marked(".latest-news .marker-video")).toEqual(["Evening film"]);
  });

  it("marks an updated story UPDATED in lists and shows the update time on its page", async () => {
    const marked = await markedIn("/news/");
    expect(marked(".list .marker-updated")).toEqual(["Ferry service resumes"]);
    expect(marked(".latest-news .marker-updated")).toEqual(["Ferry service resumes"]);
    const $ = await site.page("/local/ferry-update/");
    expect($(".updated").text()).toBe("Updated 05 July 2024 - 11:30");
    expect($(".updated time").attr("datetime")).toBe("2024-07-05T11:30:00+04:00");
  });

  it("does not load the click-to-load script on pages without embeds", async () => {
    const $ = await site.page("/local/plain-story/");
    expect($("script:not([type=\"application/ld+json\"])").length).toBe(0);
  });
});

describe("embeds in feeds", () => {
  it("degrade to links: no click-to-load markup, posts stay quotes", async () => {
    const md = createMarkdown({ allowHtml: false, basePath: "/", embedHosts: ["datawrapper.dwcdn.net"] });
    const body = await readFile(path.join(fixture("embeds"), "articles", "all-embeds.md"), "utf8");
    const html = md.render(body.split("---\n").slice(2).join("---\n"), { feed: true });
    expect(html).not.toContain("data-embed-src");
    expect(html).toContain('<p class="embed-link"><a href="https://www.youtube.com/watch?v=aqz-KE-bpKQ">Watch: Big Buck Bunny, the trailer</a></p>');
    expect(html).toContain('<p class="embed-link"><a href="https://datawrapper.dwcdn.net/AbC12/1/">Oil exports by month</a></p>');
    expect(html).toContain('<blockquote class="embed-quote" cite="https://t.me/caspiandispatch/4521">');
  });
});

describe("embed URLs", () => {
  it("recognises each provider's address forms", () => {
    const kind = (url: string) => {
      const t = classifyEmbed(url, ["datawrapper.dwcdn.net"]);
      return t && ("player" in t ? t.player : "handle" in t ? `${t.network} ${t.handle} ${t.url}` : `${t.kind} ${t.url}`);
    };
    expect(kind("https://youtu.be/aqz-KE-bpKQ?t=1m30s")).toBe("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1&start=90");
    expect(kind("https://www.youtube.com/shorts/aqz-KE-bpKQ")).toBe("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1");
    expect(kind("https://m.youtube.com/watch?v=aqz-KE-bpKQ&feature=share")).toBe("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1");
    expect(kind("https://www.youtube.com/watch?v=short")).toBe("link https://www.youtube.com/watch?v=short");
    expect(kind("https://x.com/someone/status/123?s=20")).toBe("X @someone https://x.com/someone/status/123");
    expect(kind("https://t.me/s/some_channel/77")).toBe("Telegram some_channel https://t.me/some_channel/77");
    expect(kind("http://datawrapper.dwcdn.net/x/")).toBe("link http://datawrapper.dwcdn.net/x/");
    expect(kind("https://sub.datawrapper.dwcdn.net/x/")).toBe("link https://sub.datawrapper.dwcdn.net/x/");
    expect(kind("data:text/html,hi")).toBeUndefined();
  });
});

describe("embedHosts in site.yml", () => {
  it("accepts bare host names only, pointing at the bad entry", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-embed-hosts-"));
    try {
      await cp(fixture("embeds"), dir, { recursive: true });
      const yml = (await readFile(path.join(dir, "site.yml"), "utf8")).replace(/^embedHosts: .*$/m, "embedHosts:\n  - datawrapper.dwcdn.net\n  - https://evil.example/x");
      await writeFile(path.join(dir, "site.yml"), yml);
      const built = await buildSite(dir);
      expect(built.result.diagnostics.map((d) => [d.code, d.line, d.field, d.message])).toEqual([
        ["config-embed-host", 8, "embedHosts", '"https://evil.example/x" is not a host name'],
      ]);
      await built.cleanup();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
