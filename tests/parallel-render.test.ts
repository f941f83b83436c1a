import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadTemplates } from "../src/config/load-templates.js";
import { compileTemplates } from "../src/render/eta.js";
import { renderPages, type PageSink } from "../src/render/render-pages.js";
import { viewContext } from "../src/render/view-context.js";
import { planRoutes } from "../src/routes/plan-routes.js";
import { TEMPLATES, buildSite, fixture, siteBytes, type BuiltSite } from "./helpers.js";
import { SITE_YML, article, writeSmallSite, type SmallSite } from "./small-site.js";

// A worker thread renders part of a big site's pages; the site must be the same byte for byte as when
// the main thread renders them all, and a broken template must be reported the same way.

const sites: (BuiltSite | SmallSite)[] = [];
afterAll(async () => Promise.all(sites.map((s) => s.cleanup())));

/** A site of `n` articles over three categories, with headings, links, lists and tags: enough pages for both threads. */
async function manyArticles(n: number): Promise<SmallSite> {
  const files: Record<string, string> = { "site.yml": `${SITE_YML}  economy: Economy\n` };
  const categories = ["politics", "world", "economy"];
  for (let i = 0; i < n; i++) {
    const minute = String(i % 60).padStart(2, "0");
    const day = String(1 + (Math.floor(i / 60) % 28)).padStart(2, "0");
    const fields = `title: Story number ${i} & more\ncategory: ${categories[i % 3]}\ndate: 2024-06-${day} 10:${minute}\nauthor: anna\ntags: [tag ${i % 7}]${i % 4 === 0 ? `\nsubtitle: The dek of story ${i}` : ""}`;
    files[`articles/story-${i}.md`] = article(fields, `## Part one\n\nText of story ${i} with [a link](/world/) and *emphasis*.\n\n- one\n- two\n\n### Detail\n\n> A quote.\n`);
  }
  const site = await writeSmallSite(files);
  sites.push(site);
  return site;
}

async function filesOf(built: BuiltSite): Promise<Map<string, string>> {
  sites.push(built);
  return siteBytes(built);
}

describe("rendering on two threads", () => {
  it("gives byte-identical output with the worker forced on", async () => {
    for (const content of [fixture("newsroom"), (await manyArticles(400)).content]) {
      const alone = await filesOf(await buildSite(content, { workerThreshold: Infinity }));
      const shared = await filesOf(await buildSite(content, { workerThreshold: 0 }));
      expect(shared.size).toBeGreaterThan(40);
      expect([...shared.keys()]).toEqual([...alone.keys()]);
      for (const [file, bytes] of alone) expect(shared.get(file), file).toBe(bytes);
    }
  });

  it("has the worker and the main thread both render pages, and hands them back in route order", async () => {
    const site = await manyArticles(600);
    const built = await buildSite(site.content, { dryRun: true });
    sites.push(built);
    const index = built.result.index!;
    const routes = planRoutes(index);
    const templates = compileTemplates((await loadTemplates(TEMPLATES)).templates).templates!;
    const ctx = await viewContext({ index, images: new Map(), assets: new Map() });
    const alone = await renderPages(routes, ctx, templates);
    const shared = await renderPages(routes, ctx, templates, undefined, { threshold: 0 });
    expect(alone.counts.byWorker).toBe(0);
    expect(shared.counts.byWorker).toBeGreaterThan(0);
    expect(shared.counts.byWorker).toBeLessThan(routes.length);
    expect(shared.files).toEqual(alone.files);
    expect(shared.files.map((f) => f.path)).toEqual(routes.map((r) => r.outPath));
  });

  it("reports a template error from the worker as the same diagnostic, and writes nothing", async () => {
    const site = await manyArticles(50);
    const templates = path.join(site.root, "templates");
    await cp(TEMPLATES, templates, { recursive: true });
    const file = path.join(templates, "article.eta");
    await writeFile(file, (await readFile(file, "utf8")).replace("<%", "<% it.missing.field; %><%"));
    const alone = await buildSite(site.content, { templatesDir: templates, workerThreshold: Infinity, outDir: path.join(site.root, "a") });
    const shared = await buildSite(site.content, { templatesDir: templates, workerThreshold: 0, outDir: path.join(site.root, "b") });
    expect(alone.result.ok).toBe(false);
    expect(alone.result.diagnostics.map((d) => d.code)).toEqual(Array(5).fill("template-error"));
    expect(shared.result.diagnostics).toEqual(alone.result.diagnostics);
    expect(await shared.files().catch(() => [])).toEqual([]);
  });

  it("reaches the milestone as soon as its pages are made, though few pages are rendered and most are kept", async () => {
    // A build that renders a page here and there (a story edited or published: the rest are kept or spliced)
    // queues them in chunks; the feeds wait for the milestone's pages, which would otherwise wait for a whole
    // chunk of pages to render, near the end of the build.
    const site = await manyArticles(60);
    await writeFile(path.join(site.content, "site.yml"), `${SITE_YML}  economy: Economy\nlatestNewsCount: 5\n`);
    const built = await buildSite(site.content, { dryRun: true });
    sites.push(built);
    const index = built.result.index!;
    const routes = planRoutes(index);
    const loaded = compileTemplates((await loadTemplates(TEMPLATES)).templates).templates!;
    let renders = 0;
    const templates = { ...loaded, render: (...args: Parameters<typeof loaded.render>) => (renders++, loaded.render(...args)) };
    const ctx = await viewContext({ index, images: new Map(), assets: new Map() });
    // The oldest story was edited: its page and the lists it is on are rendered, every other page is kept.
    const oldest = index.articles.at(-1)!;
    const at = routes.findIndex((r) => r.kind === "article" && r.article === oldest);
    const kept: PageSink = {
      unchanged: () => false,
      keep: () => true,
      folder: site.root,
      previousHash: () => undefined,
      previousBlock: () => undefined,
      keepBlock: () => {},
      stage: async () => {},
    };
    let rendersAtMilestone: number | undefined;
    const made = await renderPages(routes, ctx, templates, kept, {
      threshold: Infinity,
      touched: new Set([oldest]),
      milestone: { routes: new Set([at]), reached: () => (rendersAtMilestone = renders) },
    });
    expect(made.diagnostics).toEqual([]);
    expect(made.counts.rendered).toBeGreaterThan(3);
    expect(made.counts.kept).toBeGreaterThan(routes.length / 2);
    // Its page rendered, and the lists after it not yet.
    expect(rendersAtMilestone).toBeDefined();
    expect(rendersAtMilestone!).toBeLessThan(renders);
  });
});
