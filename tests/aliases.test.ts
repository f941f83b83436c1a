import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, fixture, type BuiltSite } from "./helpers.js";

let site: BuiltSite;
beforeAll(async () => {
  site = await buildSite(fixture("syndication"), { now: Date.UTC(2024, 6, 6) });
});
afterAll(() => site.cleanup());

describe("aliases: redirects from a story's old paths", () => {
  it("writes a redirect page at each old path: refresh, canonical and a link to the story", async () => {
    const target = "https://synd.example/sub/politics/port-deal/";
    // "/archive/port" has no extension, so it is the folder /archive/port/.
    for (const url of ["/politics/old-headline/", "/2024/07/port-story.html", "/archive/port/"]) {
      const $ = await site.page(url);
      expect($('meta[http-equiv="refresh"]').attr("content")).toBe(`0; url=${target}`);
      expect($('link[rel="canonical"]').attr("href")).toBe(target);
      expect($("body a").attr("href")).toBe(target);
      expect($("body a").text()).toBe("Quotes \"here\" & <tags> — Türkiye’s Azərbaycan deal");
    }
    // Redirects are not pages of their own: search engines learn the new URL, not the old one.
    expect(await site.text("sitemap.xml")).not.toContain("old-headline");
  });

  it("rejects an alias that takes a real page's or another alias's path, naming both files", async () => {
    const built = await buildSite(fixture("alias-collision"));
    await built.cleanup();
    expect(built.result.ok).toBe(false);
    expect(built.result.files).toEqual([]);
    const first = expect.stringMatching(/alias-collision\/articles\/first-story\.md$/);
    const second = expect.stringMatching(/alias-collision\/articles\/second-story\.md$/);
    expect(built.result.diagnostics.map((d) => ({ code: d.code, file: d.file, line: d.line, field: d.field, message: d.message }))).toEqual([
      { code: "alias-collision", file: first, line: 6, field: "aliases", message: expect.stringMatching(/^alias "\/politics\/second-story\/" collides with the article .*second-story\.md \(\/politics\/second-story\/\)$/) },
      { code: "alias-collision", file: first, line: 7, field: "aliases", message: 'alias "/politics/" collides with the Politics category page /politics/ (site.yml)' },
      { code: "alias-collision", file: second, line: 5, field: "aliases", message: expect.stringMatching(/^alias "\/shared\/" collides with the alias "\/shared\/" of .*first-story\.md$/) },
    ]);
  });

  it("rejects an alias that is not a clean path on the site", async () => {
    const built = await buildSite(fixture("alias-invalid"));
    await built.cleanup();
    expect(built.result.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["invalid-alias", 6, 5, 'alias "no-slash/" must be a path on this site starting with "/"'],
      ["invalid-alias", 7, 5, 'alias "/a/../b/" is not a clean path (no spaces, "..", "//", "?" or "#")'],
      ["invalid-alias", 8, 5, 'alias "/feed.xml" must end with "/" or ".html": a redirect page cannot be served as another file type'],
      ["invalid-alias", 9, 5, 'alias "/old story/" is not a clean path (no spaces, "..", "//", "?" or "#")'],
    ]);
  });
});
