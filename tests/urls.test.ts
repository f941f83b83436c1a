import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeUrls, outputPath } from "../src/routes/urls.js";
import { slugify } from "../src/site/slugify.js";

describe("urls", () => {
  const urls = makeUrls({ basePath: "/", baseUrl: "https://news.example/" });

  it("makes the documented URL scheme", () => {
    expect(urls.article({ category: "politics", slug: "x" })).toBe("/politics/x/");
    expect(urls.category("politics")).toBe("/politics/");
    expect(urls.category("politics", 2)).toBe("/politics/page/2/");
    expect(urls.archive(1)).toBe("/news/");
    expect(urls.archive(3)).toBe("/news/page/3/");
    expect(urls.author("anna-k")).toBe("/authors/anna-k/");
    expect(urls.tag("oil", 2)).toBe("/tags/oil/page/2/");
    expect(urls.absolute("/politics/x/")).toBe("https://news.example/politics/x/");
  });

  it("keeps a base path in every URL", () => {
    const sub = makeUrls({ basePath: "/site/", baseUrl: "https://news.example/site/" });
    expect(sub.article({ category: "world", slug: "y" })).toBe("/site/world/y/");
    expect(sub.absolute("/site/world/y/")).toBe("https://news.example/site/world/y/");
  });

  it("makes absolute URLs as WHATWG URL resolves them, for any path and base", () => {
    const pieces = ["a", "Z9", "-", "_", "~", ".", "..", "/", "//", "%2e", "%", " ", "é", "?q", "#h", "\\", ":", "index.html", "news"];
    const path = fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((p) => p.join(""));
    const bases = ["/", "/site/"];
    const baseUrls = ["https://news.example/", "https://news.example/site/", "https://news.example/site", "https://news.example:8443/a/b/", "https://news.example/?x=1"];
    fc.assert(
      fc.property(path, fc.constantFrom(...bases), fc.constantFrom(...baseUrls), fc.boolean(), (p, basePath, baseUrl, rooted) => {
        const url = rooted ? `${basePath}${p}` : p;
        const rel = url.startsWith(basePath) ? url.slice(basePath.length) : url.replace(/^\//, "");
        const outcome = (make: () => string) => {
          try {
            return make();
          } catch {
            return "throws";
          }
        };
        expect(outcome(() => makeUrls({ basePath, baseUrl }).absolute(url))).toBe(outcome(() => new URL(rel, baseUrl).href));
      }),
      { numRuns: 5000, seed: 20261130 },
    );
  });

  it("maps URLs to files and never outside the output folder", () => {
    expect(outputPath("/politics/x/", "/")).toBe("politics/x/index.html");
    expect(outputPath("/404.html", "/")).toBe("404.html");
    expect(outputPath("/site/news/page/2/", "/site/")).toBe("news/page/2/index.html");
    expect(() => outputPath("/../../etc/passwd", "/")).toThrow(/outside the output folder/);
    expect(() => outputPath("/a/%2e%2e/%2e%2e/x", "/")).toThrow(/outside the output folder/);
  });
});

describe("slugify", () => {
  it("transliterates headlines into URL slugs", () => {
    expect(slugify("Türkiye and Azərbaycan sign accord")).toBe("turkiye-and-azerbaycan-sign-accord");
    expect(slugify("Şəki’s “new” deal & more: why?")).toBe("sekis-new-deal-more-why");
    expect(slugify("central asia")).toBe("central-asia");
    expect(slugify("İstanbul ılık")).toBe("istanbul-ilik");
    expect(slugify("Россия и Щёлково: Объём")).toBe("rossiya-i-shchyolkovo-obyom");
    expect(slugify("Україна, Їжак і Ґанок")).toBe("ukrayina-yizhak-i-ganok");
    expect(slugify("Газ oil")).toBe("gaz-oil");
    expect(slugify("🚀 مرحبا")).toBe("");
  });
});
