import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareSite, type BuildOptions } from "../src/build.js";
import { createMarkdown } from "../src/render/markdown.js";
import { feedStories, renderSyndication } from "../src/render/render-syndication.js";
import { feedHarvest } from "../src/render/feeds/feed-harvest.js";
import { renderPages } from "../src/render/render-pages.js";
import { FIXTURE_NOW, TEMPLATES, buildSite, fixture, type BuiltSite } from "./helpers.js";

// A story the feeds carry has its page's HTML and its feed item's (links and pictures made absolute, embeds as
// links) made from one parse of its body (MarkdownRenderer.renderWithFeed), in whichever thread renders its
// page; the feeds are made afterwards from those bodies. Both must be exactly what two renders give.

const built: BuiltSite[] = [];
let work: string;
afterAll(async () => {
  await Promise.all(built.map((site) => site.cleanup()));
  await rm(work, { recursive: true, force: true });
});

// tests/fixtures/images has the articles; its pictures (in bodies too) are drawn here, in a copy.
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "broadsheet-harvest-"));
  await cp(fixture("images"), path.join(work, "images"), { recursive: true });
  const media = path.join(work, "images", "media");
  for (const [file, width, height] of [["photos/wide.jpg", 1800, 900], ["charts/body.jpg", 1000, 500], ["logo.png", 600, 400]] as const) {
    await mkdir(path.dirname(path.join(media, file)), { recursive: true });
    await sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 140 } } }).toFile(path.join(media, file));
  }
});

const FIXTURES = ["newsroom", "syndication", "images", "embeds", "lead-image"];
const contentOf = (name: string) => (name === "images" ? path.join(work, "images") : fixture(name));

async function prepared(name: string, extra: Partial<BuildOptions> = {}) {
  const options: BuildOptions = { contentDir: contentOf(name), templatesDir: TEMPLATES, outDir: "unused", now: FIXTURE_NOW, dryRun: true, encodeImages: false, ...extra };
  const result = await prepareSite(options);
  expect(result.site, `${name}: ${JSON.stringify(result.diagnostics)}`).toBeDefined();
  return result.site!;
}

describe("a story's body parsed once for its page and its feed", () => {
  it("gives the HTML of the page's render and of the feed's, for every story of the fixtures, with and without a base path", async () => {
    let stories = 0;
    for (const name of FIXTURES) {
      for (const extra of [{}, { baseUrl: "https://mirror.example/news/" }]) {
        const { index, ctx } = await prepared(name, extra);
        for (const article of [...index.articles, ...index.scheduled]) {
          const url = ctx.urls.absolute(ctx.urls.article(article));
          const both = ctx.markdown.renderWithFeed(article.body, url);
          expect(both.html, article.file).toBe(ctx.markdown.render(article.body));
          expect(both.feed, article.file).toBe(ctx.markdown.render(article.body, { absoluteFrom: url }));
          stories++;
        }
      }
    }
    expect(stories).toBeGreaterThan(40);
  });

  it("does so for links, pictures, raw HTML and embeds of every kind", () => {
    const body = [
      "# Title\n\n### Skipped level\n",
      "[relative](../other/) [root](/world/) [protocol](//cdn.example/x) [absolute](https://a.example/b?c=d#e) [anchor](#part) [mail](mailto:desk@example.org) [empty]()",
      "[reference][ref] and [another][] and <https://auto.example/path>\n\n[ref]: /politics/story/\n[another]: ./here.html",
      "![a picture](/media/photo.jpg) ![remote](https://img.example/p.png \"title\") ![relative](img/x.png)",
      '<p>Raw <a href="/raw/">HTML</a> with <img src="/media/raw.jpg" alt=""></p>',
      "::: embed https://www.youtube.com/watch?v=abcdefghijk\n:::\n\n::: embed https://x.com/someone/status/1234\nThe post.\n— Someone\n:::\n\n::: embed https://unknown.example/page\n:::",
      "- [list link](/a/)\n- **bold [link](b/)**\n\n> [quoted](/q/)\n\n| a | b |\n|---|---|\n| [cell](/c/) | x |",
      "`[not a link](/x/)`\n\n    [code](/y/)\n",
    ].join("\n\n");
    for (const allowHtml of [false, true]) {
      for (const basePath of ["/", "/news/"]) {
        const md = createMarkdown({ allowHtml, basePath, embedHosts: ["www.youtube.com", "x.com"] });
        const url = `https://site.example${basePath}world/a-story/`;
        const both = md.renderWithFeed(body, url);
        expect(both.html).toBe(md.render(body));
        expect(both.feed).toBe(md.render(body, { absoluteFrom: url }));
        expect(both.feed).toContain(`href="https://site.example${basePath === "/" ? "/" : "/news/"}politics/story/"`);
      }
    }
  });

  it("makes a build's feeds exactly as feeds made on their own, whichever thread renders the pages", async () => {
    for (const name of FIXTURES) {
      const { routes, redirects, ctx } = await prepared(name);
      const alone = renderSyndication(routes, redirects, ctx).flatMap((file) => ("contents" in file && /feed|atom/.test(file.path) ? [{ path: file.path, text: String(file.contents) }] : []));
      expect(alone.length, name).toBeGreaterThan(2);
      for (const workerThreshold of [Infinity, 0]) {
        const site = await buildSite(contentOf(name), { workerThreshold, noCache: true });
        built.push(site);
        expect(site.result.ok, name).toBe(true);
        for (const file of alone) expect(await site.text(file.path), `${name} ${file.path} (threshold ${workerThreshold})`).toBe(file.text);
      }
    }
  });

  it("gathers the feed body of every feed story, from a second thread the render queue opens itself too", async () => {
    const { routes, ctx, templates } = await prepared("newsroom");
    const files = new Set(feedStories(ctx).map((article) => article.file));
    ctx.harvest = feedHarvest(ctx, files);
    const { counts } = await renderPages(routes, ctx, templates, undefined, { threshold: 0 });
    expect(counts.byWorker).toBeGreaterThan(0);
    const gathered = new Set(ctx.harvest.all().map(([key]) => key.split("\u0000")[0]));
    expect([...gathered].sort()).toEqual([...files].sort());
  });
});
