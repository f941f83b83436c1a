import { readFile } from "node:fs/promises";
import path from "node:path";
import { load } from "cheerio";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { build } from "../src/build.js";
import { isSafeUrl, judgeUrl } from "../src/render/markdown.js";
import { jsonInScript } from "../src/render/json-ld.js";
import { safeRelative } from "../src/write/write-site.js";
import { FIXTURE_NOW, TEMPLATES, listFiles } from "./helpers.js";
import { SITE_YML, article, writeSmallSite, type FileSpec, type SmallSite } from "./small-site.js";

const sites: SmallSite[] = [];
afterAll(() => Promise.all(sites.map((s) => s.cleanup())));

/** Builds a small site with `files`; its diagnostics must be exactly `expected` (codes). */
async function buildFiles(files: Record<string, FileSpec>, expected: string[] = []) {
  const s = await writeSmallSite(files);
  sites.push(s);
  const result = await build({ contentDir: s.content, templatesDir: TEMPLATES, outDir: s.out, now: FIXTURE_NOW });
  expect(result.diagnostics.map((d) => d.code)).toEqual(expected);
  const html = async () => {
    const out = new Map<string, string>();
    for (const f of (await listFiles(s.out)).filter((f) => f.endsWith(".html"))) out.set(f, await readFile(path.join(s.out, f), "utf8"));
    return out;
  };
  return { s, html };
}

const EVIL = "<img src=x onerror=alert(1)>";
const yamlQuote = (text: string) => JSON.stringify(text);

describe("content never becomes markup or code", () => {
  it(`shows a headline like ${EVIL} as text on every page, in every place`, async () => {
    const { html } = await buildFiles({
      "site.yml": SITE_YML.replace("title: Test Desk", `title: ${yamlQuote(`Desk ${EVIL}`)}\ndescription: ${yamlQuote(`</script>${EVIL}`)}`).replace("World", yamlQuote(`World ${EVIL}`)),
      "authors.yml": `anna:\n  name: ${yamlQuote(`Anna ${EVIL}`)}\n  bio: ${yamlQuote(EVIL)}\n`,
      "articles/evil.md": article(
        [`title: ${yamlQuote(EVIL)}`, `subtitle: ${yamlQuote(`"quoted" ${EVIL}`)}`, "category: world", "author: anna", "date: 2024-07-02",
          `tags: [${yamlQuote(EVIL)}, "a\\" onmouseover=\\"x"]`, "image: /media/photo.jpg", `imageAlt: ${yamlQuote(`" onerror="alert(1)`)}`, `imageCaption: ${yamlQuote(EVIL)}`].join("\n"),
        `Body ${EVIL} and <script>alert(1)</script>\n`,
      ),
      "pages/about.md": article(`title: ${yamlQuote(EVIL)}`, "About.\n"),
    });
    const pages = await html();
    expect(pages.size).toBeGreaterThan(8);
    for (const [file, text] of pages) {
      const $ = load(text);
      expect($("[onerror], [onmouseover], script:not([type=\"application/ld+json\"])").length, file).toBe(0);
      expect($('img[src="x"]').length, file).toBe(0);
      expect(text, file).not.toMatch(/undefined/);
    }
    const $ = load(pages.get("world/evil/index.html")!);
    expect($("h1").text()).toBe(EVIL);
    expect($(".article-header .dek").text()).toBe(`"quoted" ${EVIL}`);
    expect($("title").text()).toBe(`${EVIL} | Desk ${EVIL}`);
    expect($(".byline a").text()).toBe(`Anna ${EVIL}`);
    expect($(".tags a").map((_, a) => $(a).text()).get()).toEqual([EVIL, 'a" onmouseover="x']);
    expect($(".lead-image img").attr("alt")).toBe('" onerror="alert(1)');
    expect($(".article-body").text()).toContain(`Body ${EVIL} and <script>alert(1)</script>`);
    expect(load(pages.get("about/index.html")!)("h1").text()).toBe(EVIL);
    expect(load(pages.get("index.html")!)(".site-title").text()).toBe(`Desk ${EVIL}`);
  });

  it("never emits javascript:, vbscript:, file: or non-image data: URLs from Markdown as links", async () => {
    const body = [
      "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](java&#115;cript:alert(1)) [d]( javascript:alert(1) )",
      "[e](vbscript:msgbox) [f](file:///etc/passwd) [g](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(1)>",
      "[h][ref] ![i](javascript:alert(1)) [j](&#x6A;avascript:alert(1)) [k](java%0Ascript:alert(1))",
      "",
      "[ref]: vbscript:alert(1)",
      "",
      "[ok](https://example.com/) ![pixel](data:image/png;base64,iVBORw0KGgo=) [rel](/politics/)",
    ].join("\n");
    const { html } = await buildFiles({ "articles/links.md": article("title: Links\ncategory: politics\ndate: 2024-07-01", `${body}\n`) });
    const $ = load((await html()).get("politics/links/index.html")!);
    const urls = $(".article-body [href], .article-body [src]").map((_, el) => $(el).attr("href") ?? $(el).attr("src")).get();
    expect(urls).toEqual(["https://example.com/", "data:image/png;base64,iVBORw0KGgo=", "/politics/"]);
  });

  it("judges URLs after removing what browsers ignore", () => {
    for (const url of ["javascript:x", " JavaScript:x", "java%0Ascript:x", "%6Aavascript:x", "java\tscript:x", "java\nscript:x", "\u0000javascript:x", "vbscript:x", "FILE:///x", "data:text/html,x", "data:image/svg+xml,<svg onload=x>"]) {
      expect(isSafeUrl(url), url).toBe(false);
    }
    for (const url of ["https://x.example/", "/a/b/", "#top", "mailto:desk@example.com", "data:image/png;base64,AAAA", "javascript-guide/"]) {
      expect(isSafeUrl(url), url).toBe(true);
    }
  });

  it("judges a URL with neither a colon nor a percent sign safe only where the full judgement does", () => {
    const piece = fc.constantFrom("javascript", "JavaScript", "data", "image/png;", "vbscript", "file", ":", "%", "%3A", "%3a", "%0A", "%6A", "/", "#", "?", " ", "\t", "\n", "\u0000", "\u007f", "a", "é", "&#58;");
    fc.assert(fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
      const url = pieces.join("");
      expect(isSafeUrl(url), JSON.stringify(url)).toBe(judgeUrl(url));
    }), { numRuns: 5000, seed: 6 });
  });

  it("lets raw HTML through only when site.yml says allowHtml: true", async () => {
    const post = { "articles/raw.md": article("title: Raw\ncategory: politics\ndate: 2024-07-01", '<div class="embed">Embed</div>\n') };
    const off = load((await (await buildFiles(post)).html()).get("politics/raw/index.html")!);
    expect(off(".article-body .embed").length).toBe(0);
    expect(off(".article-body").text()).toContain('<div class="embed">Embed</div>');
    const on = load((await (await buildFiles({ ...post, "site.yml": `${SITE_YML}allowHtml: true\n` })).html()).get("politics/raw/index.html")!);
    expect(on(".article-body .embed").text()).toBe("Embed");
  });
});

describe("JSON inside <script>", () => {
  const value = { headline: `</script><script>alert(1)</script> <!-- & \u2028\u2029 "q"`, n: 1 };

  it("cannot end the script element and still parses to the same value", () => {
    const json = jsonInScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
    const $ = load(`<script type="application/ld+json">${json}</script><p>after</p>`);
    expect($("script").length).toBe(1);
    expect(JSON.parse($("script").text())).toEqual(value);
    expect(jsonInScript(undefined)).toBe("null");
  });
});

describe("output paths", () => {
  it("can never leave the output folder", () => {
    for (const bad of ["../x.html", "/etc/passwd", "a/../../x", "..", ".", "a/\0b", "./../x"]) expect(() => safeRelative(bad), bad).toThrow(/outside the output folder/);
    expect(safeRelative("a/./b/../c.html")).toBe("a/c.html");
  });

  it("keeps hostile tags inside the output folder", async () => {
    const { s } = await buildFiles({
      "articles/tags.md": article('title: Tags\ncategory: politics\ndate: 2024-07-01\ntags: ["../../../escape", "..", "/etc/passwd", "%2e%2e"]'),
    }, ["tag-without-page"]);
    const files = await listFiles(s.root);
    // Besides the site, only the git-ignored build cache (the incremental-build manifest) is written.
    expect(files.filter((f) => !f.startsWith("content/") && !f.startsWith("public/") && !f.startsWith(".broadsheet-cache/"))).toEqual([]);
    expect(files).toContain("public/tags/escape/index.html");
  });
});
