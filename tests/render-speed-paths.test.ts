import { tz } from "@date-fns/tz";
import { format } from "date-fns";
import { enUS } from "date-fns/locale/en-US";
import fc from "fast-check";
import MarkdownIt, { type StateInline } from "markdown-it";
import { describe, expect, it } from "vitest";
import { makeTimeFormatter } from "../src/render/dates.js";
import { createMarkdown } from "../src/render/markdown.js";
import { markdownSpeed } from "../src/render/markdown-speed.js";
import { excerpt } from "../src/render/excerpt.js";
import { PageBuffers, utf8, utf8Pieces, withBlock } from "../src/render/page-bytes.js";
import { escapeXml } from "../src/render/xml.js";
import { renderRss } from "../src/render/feeds/rss.js";
import { renderAtom } from "../src/render/feeds/atom.js";
import { renderJsonFeed } from "../src/render/feeds/json-feed.js";
import type { Feed, FeedItem } from "../src/render/feeds/feed-data.js";
import { compileTemplates, mergedData, MERGES, type Templates } from "../src/render/eta.js";
import { Eta } from "eta/core";
import { hashBytes } from "../src/write/manifest.js";
import { closest } from "../src/errors/suggest.js";
import { spliceBlocks } from "../src/render/splice.js";
import { makeArticle } from "./bench/generate.js";

// Shortcuts taken for speed must give exactly what the plain way gives.

function plainExcerpt(html: string, max = 160): string {
  const text = html.replace(/<[^>]*>/g, " ").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, " ").trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max - 20)).trimEnd()}…`;
}

describe("excerpt", () => {
  const md = createMarkdown({ allowHtml: false, basePath: "/", embedHosts: [] });
  it("reads only the start of a long body, with the same result as reading it all", () => {
    const bodies = Array.from({ length: 40 }, (_, i) => makeArticle(i, 9).body);
    bodies.push(`${"<b>x</b> ".repeat(400)}end`, `# ${"Long heading ".repeat(80)}\n\ntext`, "short", "");
    for (const body of bodies) expect(excerpt(md.render(body))).toBe(plainExcerpt(md.render(body)));
    const tagsFirst = `${'<a href="/x">'.repeat(200)}${"word ".repeat(100)}`;
    expect(excerpt(tagsFirst)).toBe(plainExcerpt(tagsFirst));
  });
});

describe("pages encoded through a scratch buffer", () => {
  it("are the bytes Buffer.from gives, each in a buffer of its own, whatever the text and its length", () => {
    const texts = ["", "plain ASCII <p>", "Latin-1: café", "Azərbaycan — Bakı", "emoji 📰 and a lone surrogate \ud800 end", "x".repeat(200_000), "ə".repeat(70_000)];
    const made = texts.map((text) => utf8(text));
    // Compared after every text is encoded: a result that shared the scratch buffer would have changed since.
    texts.forEach((text, i) => expect(Buffer.from(made[i]!).equals(Buffer.from(text, "utf8"))).toBe(true));
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => Buffer.from(utf8(text)).equals(Buffer.from(text, "utf8"))), { seed: 7, numRuns: 2000 });
  });
});

describe("pages encoded with Latest news in bytes encoded once", () => {
  it("are the bytes of the page with the block in place, each mark replaced, whatever the text", () => {
    const block = "<ol><li>Bakı — ə</li></ol>";
    const shared = { mark: "\0latest-news:test\0", bytes: utf8(block) };
    const pages = ["", "no mark", `${shared.mark}`, `<p>café</p>${shared.mark}<footer>📰</footer>`, `${shared.mark}x${shared.mark}`, `${"ə".repeat(70_000)}${shared.mark}${"x".repeat(200_000)}`];
    const made = pages.map((html) => withBlock({ html }, shared));
    pages.forEach((html, i) => {
      const expected = Buffer.from(html.replaceAll(shared.mark, block), "utf8");
      const page = made[i] as { bytes: Uint8Array; hash: string };
      expect(Buffer.from(page.bytes).equals(expected)).toBe(true);
      expect(page.hash).toBe(hashBytes(expected));
      expect(page.bytes.byteOffset).toBe(0);
    });
    // Each page in a buffer of its own, which the second thread can hand over.
    expect(new Set(made.map((page) => (page as { bytes: Uint8Array }).bytes.buffer)).size).toBe(pages.length);
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 60 }), { maxLength: 4 }), (parts) => {
        const page = withBlock({ html: parts.join(shared.mark) }, shared) as { bytes: Uint8Array };
        return Buffer.from(page.bytes).equals(Buffer.from(parts.join(block), "utf8"));
      }),
      { seed: 7, numRuns: 1000 },
    );
  });
});

describe("page buffers used again once their page is written", () => {
  it("never hand out a buffer a page still holds, whatever the order pages are written in", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 40_000 }), fc.constant(-1)), { maxLength: 300 }), fc.integer(), (steps, seed) => {
        const pool = new PageBuffers();
        const held: { bytes: Uint8Array; fill: number }[] = [];
        let n = seed;
        for (const step of steps) {
          n = (n * 1103515245 + 12345) & 0x7fffffff;
          if (step === -1 || held.length > 50) {
            // A page written: its buffer goes back (twice, as a careless caller might; the second is ignored).
            const [page] = held.splice(n % Math.max(1, held.length), 1);
            if (page) {
              pool.give(page.bytes);
              pool.give(page.bytes);
            }
            continue;
          }
          const bytes = pool.take(step);
          bytes.fill(n & 0xff);
          held.push({ bytes, fill: n & 0xff });
        }
        return held.every(({ bytes, fill }) => bytes.every((b) => b === fill)) && new Set(held.map((p) => p.bytes.buffer)).size === held.length;
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("take back only buffers that held pages: not a buffer Node shares between small Buffers", () => {
    const pool = new PageBuffers();
    const shared = Buffer.from("a small buffer in Node's shared pool");
    pool.give(shared);
    pool.adopt(shared);
    pool.give(shared);
    const page = pool.take(shared.length);
    expect(page.buffer).not.toBe(shared.buffer);
    // One moved from the other thread is taken back, and handed out again.
    const moved = new PageBuffers().take(5000);
    pool.adopt(moved);
    pool.give(moved);
    expect(pool.take(6000).buffer).toBe(moved.buffer);
    expect(pool.spare(4)).toEqual([]);
  });
});

describe("an item partial that shows only its story, rendered once per story", () => {
  const compile = (item: string) =>
    compileTemplates([
      { name: "@partials/item", file: "item.eta", text: item },
      { name: "@list", file: "list.eta", text: '<% for (const item of it.items) { %><%~ include("@partials/item", { item, showCategory: it.show }) %><% } %>' },
    ]).templates!;
  const render = (templates: Templates, items: object[], show: unknown) => (templates.render("@list", { items, show }, "/") as { html: string }).html;

  it("gives what rendering it each time gives, for each story and each showCategory", () => {
    const templates = compile('<li><%= it.item.title %><% if (it.showCategory) { %> (<%= it.item.category %>)<% } %></li>');
    const a = { title: "A & B", category: "Sport" };
    const b = { title: "C", category: "World" };
    expect(render(templates, [a, b, a], true)).toBe("<li>A &amp; B (Sport)</li><li>C (World)</li><li>A &amp; B (Sport)</li>");
    expect(render(templates, [a, b], false)).toBe("<li>A &amp; B</li><li>C</li>");
    expect(render(templates, [b, a], "yes")).toBe("<li>C (World)</li><li>A &amp; B (Sport)</li>");
  });

  it("is rendered each time when it may show anything else", () => {
    // Reads the whole data given (arguments): its output may differ for the same story.
    const list = compileTemplates([
      { name: "@partials/item", file: "item.eta", text: "<li><%= it.item.title %> <%= arguments[0].n %></li>" },
      { name: "@list", file: "list.eta", text: '<% it.items.forEach((item, n) => { %><%~ include("@partials/item", { item, n }) %><% }) %>' },
    ]).templates!;
    const a = { title: "A" };
    expect((list.render("@list", { items: [a, a] }, "/") as { html: string }).html).toBe("<li>A 0</li><li>A 1</li>");
  });
});

describe("a page spliced with the new Latest news", () => {
  it("has every old block replaced, in a buffer of its own that the second thread can hand over, however small", () => {
    const [before, after] = [Buffer.from("<ol>old</ol>"), Buffer.from("<ol>new, longer</ol>")];
    for (const size of [10, 1000, 3000, 9000]) {
      const text = `<p>${"x".repeat(size)}</p><ol>old</ol><p>y</p><ol>old</ol>`;
      const spliced = spliceBlocks(Buffer.from(text), [[before, after]])!;
      expect(spliced.toString()).toBe(text.replaceAll("<ol>old</ol>", "<ol>new, longer</ol>"));
      // Node's pool (a small Buffer.concat's) would share its ArrayBuffer with other buffers.
      expect([spliced.byteOffset, spliced.buffer.byteLength]).toEqual([0, spliced.length]);
    }
    expect(spliceBlocks(Buffer.from("<p>no block</p>"), [[before, after]])).toBeUndefined();
  });

  it("replaces two blocks in one pass, and none when one is missing or they overlap", () => {
    const b = (text: string) => Buffer.from(text);
    const page = b("<ul>also</ul><p>body</p><ol>old</ol>");
    expect(spliceBlocks(page, [[b("<ol>old</ol>"), b("<ol>new</ol>")], [b("<ul>also</ul>"), b("<ul>other, longer</ul>")]])?.toString()).toBe("<ul>other, longer</ul><p>body</p><ol>new</ol>");
    expect(spliceBlocks(page, [[b("<ol>old</ol>"), b("<ol>new</ol>")], [b("<ul>gone</ul>"), b("<ul>x</ul>")]])).toBeUndefined();
    // A block found inside another (a Read also that Latest news happens to hold) is not replaced twice.
    expect(spliceBlocks(page, [[b("<ol>old</ol>"), b("<ol>new</ol>")], [b("old</ol>"), b("x")]])).toBeUndefined();
    expect(spliceBlocks(page, [])?.equals(page)).toBe(true);
    // Found as many times as the page checked for its kind held it, or not at all.
    expect(spliceBlocks(page, [[b("<ol>old</ol>"), b("<ol>new</ol>")]], [1])?.toString()).toBe("<ul>also</ul><p>body</p><ol>new</ol>");
    expect(spliceBlocks(page, [[b("<ol>old</ol>"), b("<ol>new</ol>")]], [2])).toBeUndefined();
  });
});

describe("ISO times in the site zone", () => {
  it("are what date-fns writes, in zones east, west and at UTC, across daylight saving", () => {
    for (const zone of ["Asia/Baku", "America/New_York", "UTC", "Asia/Kolkata", "Europe/London", "America/St_Johns"]) {
      const time = makeTimeFormatter(zone, "dd MMMM yyyy - HH:mm", enUS);
      for (const instant of [Date.UTC(2024, 2, 10, 6, 59), Date.UTC(2024, 2, 10, 7, 1), Date.UTC(2024, 6, 5, 13, 38, 45), Date.UTC(1999, 11, 31, 23, 59, 59)]) {
        expect(time(instant).iso, zone).toBe(format(instant, "yyyy-MM-dd'T'HH:mm:ssXXX", { in: tz(zone) }));
      }
    }
  });
});

describe("markdown-it's text and normalize rules, replaced for speed", () => {
  // Pieces that start every inline rule, break lines in every way, and nest labels (posMax moves inside them).
  const pieces = ["word", " ", "  ", "\n", "\r\n", "\r", "\0", "\t", "*", "_", "**", "~~", "`", "``", "[", "]", "(", ")", "![", "](/x)", "<", ">",
    "<https://e.com>", "<b>", "</b>", "&amp;", "&", "#", "# ", "- ", "1. ", "> ", "\\", "!", "$", "%", "+", "-", ":", "=", "@", "^", "{", "}", "~",
    "é", "🙂", "\u00a0", "[a]: /u\n", "[a]", "    code", "```", "---", "|", "\"", "'"];
  const doc = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((parts) => parts.join(""));

  function threeCharacters(state: StateInline, silent: boolean): boolean {
    if (state.src[state.pos] !== "{" || state.pos + 4 > state.posMax) return false;
    if (silent) return false;
    const max = state.posMax;
    state.push("three_open", "u", 1);
    state.pos += 1;
    state.posMax = state.pos + 3;
    state.md.inline.tokenize(state);
    state.push("three_close", "u", -1);
    state.posMax = max;
    return true;
  }

  it("give markdown-it's own tokens and HTML, with raw HTML on and off", () => {
    for (const html of [false, true]) {
      const plain = new MarkdownIt({ html });
      const fast = new MarkdownIt({ html }).use(markdownSpeed);
      const same = (text: string) => {
        expect(fast.render(text)).toBe(plain.render(text));
        expect(JSON.stringify(fast.parse(text, {}))).toBe(JSON.stringify(plain.parse(text, {})));
      };
      for (let i = 0; i < 40; i++) same(makeArticle(i, 9).body);
      same("a\r\nb\rc\0d [x\r\n*y*](/z) ![i\0](/j)");
      // Labels that fail and are scanned again from a later "[": the tokens' ends remembered by skipToken are used.
      for (const text of ["[[[[`x` *y* <b> a](/u)", "[a [b `c` *d* [e](/f) g", "![[`a`] [*b*](/c) [d]", "[**a** `b` [c] [d](/e)](/f) [[`g`]]"]) same(text);
      for (const text of ["", "\n", " ", "a\n  ", "a\n \t", "a\n\t", "\t\tcode\n", "  \n\n x", "- a\n\t- b\n  \t c", "> a\n>\tb", "```\nx\n  ", "    a\n     "]) same(text);
      // A plugin may end a nested parse anywhere (here "{" takes the next three characters as its content).
      for (const md of [plain, fast]) md.inline.ruler.before("text", "three", threeCharacters);
      same("a{bcdef} {*x*yz}");
      fc.assert(fc.property(doc, (text) => same(text)), { numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: process.env.FUZZ_RUNS ? undefined : 20261130 });
    }
  });
});

describe("markdown-it's normalizeLink, short-cut for plain URLs", () => {
  it("gives markdown-it's own URL for every URL, plain or not", () => {
    const plain = new MarkdownIt();
    const fast = new MarkdownIt().use(markdownSpeed);
    const pieces = ["https://", "http://", "HTTPS://", "ftp://", "mailto:", "//", "/", "a", "Z", "0", "9", ".", "..", "-", "_", "~", "%", "%20", "%zz",
      " ", ":", "@", "?", "#", "=", "&", "é", "ə", "xn--", "Example.COM", "example.com", "[", "'", "(", "\\", "\u00a0", "🙂", "news", "www."];
    const url = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join(""));
    for (const text of ["/news/", "https://example.com", "https://example.com/", "https://a-b.c0.az/x/y.html", "http://x", "//example.com/x", "news/a_b~c.html", ""]) {
      expect(fast.normalizeLink(text), text).toBe(plain.normalizeLink(text));
    }
    fc.assert(fc.property(url, (text) => fast.normalizeLink(text) === plain.normalizeLink(text)), { numRuns: 20000, seed: 20261207 });
    expect(fast.render("[a](/news/) [b](https://Example.com/é) [c](//x.y/z)")).toBe(plain.render("[a](/news/) [b](https://Example.com/é) [c](//x.y/z)"));
  });
});

describe("did-you-mean suggestions, made without a table of arrays per candidate", () => {
  // The plain way: every candidate's full table, the closest within the limit.
  function plainClosest(word: string, candidates: readonly string[]): string | undefined {
    const distance = (a: string, b: string) => {
      const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
          d[i]![j] = best;
        }
      }
      return d[a.length]![b.length]!;
    };
    const scored = candidates.map((c) => [c, distance(word.toLowerCase(), c.toLowerCase())] as const);
    const best = scored.reduce<readonly [string, number] | undefined>((b, s) => (b === undefined || s[1] < b[1] ? s : b), undefined);
    return best && best[1] <= Math.max(1, Math.min(2, Math.floor(word.length / 3))) ? best[0] : undefined;
  }

  it("suggests what comparing with every candidate in full suggests", () => {
    const keys = ["title", "subtitle", "category", "author", "date", "updated", "tags", "image", "imageAlt", "imageCaption", "imageCredit", "video", "slug", "draft", "aliases"];
    for (const word of ["titel", "Title", "categroy", "autor", "tag", "imagealt", "layout", "", "x", "dates", "subtitel", "imageCaptoin"]) expect(closest(word, keys), word).toBe(plainClosest(word, keys));
    const word = fc.string({ unit: fc.constantFrom("a", "b", "t", "i", "e", "l", "A"), maxLength: 8 });
    fc.assert(fc.property(word, fc.array(word, { maxLength: 6 }), (w, candidates) => closest(w, candidates) === plainClosest(w, candidates)), { seed: 7, numRuns: 3000 });
  });
});

describe("feeds made of pieces, each story's item made once", () => {
  const plainEscape = (value: string) =>
    value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
  const text = fc.string({ unit: fc.constantFrom("a", "é", "ə", "📰", "&", "<", ">", '"', "'", "\u0001", "\ufffe", "\n", " ", "\ud800"), maxLength: 40 });

  it("escape XML as one replace of each character did", () => {
    for (const value of ["", "plain", "<p class=\"x\">Tom & Jerry's</p>", "\u0000\u0008\u000b&\uffff"]) expect(escapeXml(value)).toBe(plainEscape(value));
    fc.assert(fc.property(text, (value) => escapeXml(value) === plainEscape(value)), { seed: 7, numRuns: 3000 });
  });

  it("are the feed's text and bytes, whatever the items and however many feeds share them", () => {
    const time = makeTimeFormatter("Asia/Baku", "dd MMMM yyyy - HH:mm", enUS);
    const item = fc.record({
      url: fc.webUrl(),
      title: text,
      summary: text,
      html: text,
      published: fc.integer({ min: 0, max: 2e12 }),
      updated: fc.integer({ min: 0, max: 2e12 }),
      authors: fc.array(fc.record({ name: text, url: fc.webUrl() }), { maxLength: 2 }),
      category: text,
      tags: fc.array(text, { maxLength: 3 }),
      image: fc.option(fc.record({ url: fc.webUrl(), type: fc.constant("image/jpeg") }), { nil: undefined }),
    });
    const feedOf = (items: FeedItem[]): Feed => ({
      title: "Bakı & Co",
      description: "News",
      language: "az",
      homeUrl: "https://x.example/",
      urls: { rss: "https://x.example/feed.xml", atom: "https://x.example/atom.xml", json: "https://x.example/feed.json" },
      updated: 0,
      items,
    });
    // The plain way: every document as one string.
    const plainJson = (feed: Feed) => `${JSON.stringify({ version: "https://jsonfeed.org/version/1.1", title: feed.title, home_page_url: feed.homeUrl, feed_url: feed.urls.json, description: feed.description, language: feed.language, items: feed.items.map((i) => ({ id: i.url, url: i.url, title: i.title, content_html: i.html, summary: i.summary, ...(i.image && { image: i.image.url }), date_published: time.iso(i.published), date_modified: time.iso(i.updated), ...(i.authors.length > 0 && { authors: i.authors }), tags: [i.category, ...i.tags], ...(i.image && { attachments: [{ url: i.image.url, mime_type: i.image.type }] }) })) }, null, 2)}\n`;
    fc.assert(
      fc.property(fc.array(item, { maxLength: 5 }), fc.integer({ min: 0, max: 5 }), (all, cut) => {
        const made = { rss: new Map(), atom: new Map(), json: new Map() };
        // Two feeds sharing items (a site's and a category's), made with the same memos.
        for (const feed of [feedOf(all), feedOf(all.slice(cut))]) {
          const json = renderJsonFeed(feed, time, made.json);
          if (json.join("") !== plainJson(feed)) return false;
          for (const pieces of [renderRss(feed, "Asia/Baku", made.rss), renderAtom(feed, time, made.atom), json]) {
            const joined = pieces.join("");
            if (!Buffer.from(utf8Pieces(pieces)).equals(Buffer.from(joined, "utf8"))) return false;
          }
          // Made afresh, without the memos: the same text.
          if (renderRss(feed, "Asia/Baku").join("") !== renderRss(feed, "Asia/Baku", made.rss).join("")) return false;
          if (renderAtom(feed, time).join("") !== renderAtom(feed, time, made.atom).join("")) return false;
        }
        return true;
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe("the data a template hands to include and layout", () => {
  it("is what Eta's spread makes: the same keys, values and order, a __proto__ key kept as a key", () => {
    const spread = (...sources: unknown[]) => sources.reduce<object>((all, s) => ({ ...all, ...(s as object) }), {});
    const key = fc.constantFrom("a", "b", "item", "body", "__blocks", "0", "1", "constructor", "toString");
    const source = fc.oneof(fc.dictionary(key, fc.integer(), { maxKeys: 4 }), fc.constant(undefined), fc.constant(null), fc.constant("ab"), fc.constant(7));
    fc.assert(
      fc.property(fc.array(source, { maxLength: 4 }), (sources) => {
        const ours = mergedData(...sources);
        const theirs = spread(...sources);
        return JSON.stringify(Object.entries(ours)) === JSON.stringify(Object.entries(theirs)) && Object.getPrototypeOf(ours) === Object.prototype;
      }),
      { seed: 7, numRuns: 2000 },
    );
    const tricky = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}');
    const made = mergedData({ a: 1 }, tricky);
    expect(Object.keys(made)).toEqual(["a", "__proto__", "x"]);
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    const symbol = Symbol("s");
    expect(mergedData({ [symbol]: 1 }, { b: 2 })).toEqual({ [symbol]: 1, b: 2 });
  });

  it("replaces code Eta still writes (else includes would go on making a hidden class each)", () => {
    const code = new Eta({ useWith: false }).compileToString('<% layout("@l") %><%~ include("@p", { x: 1 }) %>');
    for (const [theirs] of MERGES) expect(code).toContain(theirs);
    const templates = compileTemplates([
      { name: "@page", file: "page.eta", text: '<% layout("@l", { z: 3 }) %><%= it.x %><%~ include("@p", { y: 2 }) %>' },
      { name: "@p", file: "p.eta", text: "<%= it.x %><%= it.y %>" },
      { name: "@l", file: "l.eta", text: "[<%~ it.body %>|<%= it.z %>|<%= Object.keys(it).join() %>]" },
    ]).templates!;
    expect(templates.render("@page", { x: 1 }, "/")).toEqual({ html: "[112|3|x,body,z,__blocks]" });
  });
});
