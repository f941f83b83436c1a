import { readFile } from "node:fs/promises";
import path from "node:path";
import { load } from "cheerio";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { build } from "../src/build.js";
import { slugify } from "../src/site/slugify.js";
import { FIXTURE_NOW, TEMPLATES } from "./helpers.js";
import { writeSmallSite, type SmallSite } from "./small-site.js";

// Arbitrary Unicode, HTML and YAML metacharacters in titles, deks, tags and bodies: the build either succeeds
// and shows every string exactly as written (escaped), or fails with diagnostics. It never throws.

const META = [
  "<", ">", "&", '"', "'", "`", ":", ": ", " #", "#", "---", "\n", "\r\n", "\t", "- ", "* ", "*a", "&a ", "!!js/function ", "!foo ",
  "{", "}", "[", "]", "|", ">-", "%", "@", "?", ",", "\\", "</script>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
  "javascript:alert(1)", "<%= it %>", "<%~ x %>", "${x}", "{{x}}", "\u2028", "\u2029", "\uFEFF", "\u0000", "\u00a0", "\u200b",
  "é", "İ", "ß", "𝔘", "👩‍👩‍👧", "مرحبا", "日本", "null", "true", "~", "0123", "12:30", "2024-13-45", ".inf", "0x1F", "undefined", "NaN",
];
const piece = fc.oneof(fc.constantFrom(...META), fc.string({ unit: "binary", maxLength: 6 }), fc.string({ unit: "grapheme-ascii", maxLength: 8 }));
const text = fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(""));

/** How a value goes into YAML: as JSON (a valid double-quoted YAML string) or pasted raw, as an editor might. */
const placed = fc.record({ value: text, raw: fc.boolean() });
type Placed = { value: string; raw: boolean };
const yaml = (p: Placed) => (p.raw ? p.value : JSON.stringify(p.value));

const sites: SmallSite[] = [];
afterAll(() => Promise.all(sites.map((s) => s.cleanup())));

/** What an HTML parser makes of text: CR and CRLF become LF, NUL becomes U+FFFD. */
const asParsed = (s: string) => s.replace(/\r\n?/g, "\n").replace(/\0/g, "\uFFFD");
const BODY_TAGS = new Set(["p", "h2", "h3", "h4", "h5", "h6", "em", "strong", "a", "img", "code", "pre", "ul", "ol", "li", "blockquote", "hr", "br", "s", "table", "thead", "tbody", "tr", "th", "td"]);

describe("arbitrary text in content", () => {
  it("builds with every string shown intact, or fails with diagnostics; never throws", async () => {
    const outcomes = { built: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(placed, fc.option(placed, { nil: undefined }), fc.array(text, { maxLength: 4 }), text, async (title, dek, tags, body) => {
        const front = [`title: ${yaml(title)}`, ...(dek ? [`subtitle: ${yaml(dek)}`] : []), "category: politics", "date: 2024-07-01 10:00", `tags: [${tags.map((t) => JSON.stringify(t)).join(", ")}]`];
        const s = await writeSmallSite({ "articles/prop.md": `---\n${front.join("\n")}\n---\n${body}\n` });
        sites.push(s);
        const result = await build({ contentDir: s.content, templatesDir: TEMPLATES, outDir: s.out, now: FIXTURE_NOW });
        outcomes[result.ok ? "built" : "refused"]++;
        if (!result.ok) {
          expect(result.diagnostics.filter((d) => d.severity === "error").length).toBeGreaterThan(0);
          for (const d of result.diagnostics) expect(d.message.length).toBeGreaterThan(0);
          return;
        }
        const article = result.index!.articles.find((a) => a.slug === "prop")!;
        const $ = load(await readFile(path.join(s.out, "politics/prop/index.html"), "utf8"));
        expect($("h1").text()).toBe(asParsed(article.title));
        if (!title.raw) expect(article.title).toBe(title.value.trim());
        if (dek && !dek.raw && dek.value.trim() !== "") expect($(".article-header .dek").text()).toBe(asParsed(dek.value.trim()));
        const shownTags = tags.map((t) => t.trim()).filter((t) => t !== "" && slugify(t) !== "");
        expect($(".tags a").map((_, a) => $(a).text()).get()).toEqual(shownTags.map(asParsed));
        expect($("[onerror], script:not([type=\"application/ld+json\"])").length).toBe(0);
        $(".article-body *").each((_, el) => {
          expect(BODY_TAGS.has(el.tagName), el.tagName).toBe(true);
        });
        const home = load(await readFile(path.join(s.out, "index.html"), "utf8"));
        expect(home(".sidebar a").map((_, a) => home(a).text()).get()).toContain(asParsed(article.title));
        await s.cleanup();
      }),
      { numRuns: Number(process.env.BROADSHEET_PROPERTY_RUNS ?? 60) },
    );
    // Most generated sites are valid (quoted values): the property is about built pages, not only refusals.
    expect(outcomes.built).toBeGreaterThan(outcomes.refused / 4);
  }, 300_000);
});
