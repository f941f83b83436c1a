import { cp, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile, appendFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type BuildOptions } from "../src/build.js";
import { checkStamp } from "../src/build-stamp.js";
import { commitJournal, recoverJournal } from "../src/write/journal.js";
import { loadManifest } from "../src/write/manifest.js";
import { snapshot } from "./bench/measure.js";
import { FIXTURE_NOW, TEMPLATES, expectSameAsColdBuild, fixture, listFiles } from "./helpers.js";

// Incremental builds: a rebuild rewrites only the files whose bytes change, and its output is always the
// output a cold build of the same content would give.

let root: string;
let content: string;
let out: string;
let templates: string;
const options = (): BuildOptions => ({ contentDir: content, templatesDir: templates, outDir: out, now: FIXTURE_NOW });

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "broadsheet-incremental-"));
  content = path.join(root, "content");
  out = path.join(root, "public");
  templates = path.join(root, "templates");
  await cp(fixture("newsroom"), content, { recursive: true });
  await cp(TEMPLATES, templates, { recursive: true });
  expect((await build({ ...options(), noCache: true })).ok).toBe(true);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Builds, and returns the output files that were written (new inode or mtime). */
async function rebuild(extra: Partial<BuildOptions> = {}): Promise<string[]> {
  const before = await snapshot(out);
  const result = await build({ ...options(), ...extra });
  expect(result.diagnostics).toEqual([]);
  const after = await snapshot(out);
  return [...after].filter(([file, id]) => before.get(file) !== id).map(([file]) => file).sort();
}

async function contents(): Promise<Map<string, string>> {
  const files = await listFiles(out);
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(path.join(out, f), "utf8")] as const)));
}

/** The output of a cold build of the same content, file by file. */
async function expectSameAsCold(): Promise<void> {
  await expectSameAsColdBuild(out, options(), path.join(root, "cold"));
}

describe("incremental builds", () => {
  it("writes no file when nothing changed", async () => {
    expect(await rebuild()).toEqual([]);
    const result = await build(options());
    expect(result.written).toMatchObject({ written: 0, removed: 0, cold: false });
  });

  it("rewrites only the page of an article whose body was edited, and the feeds that carry its body", async () => {
    await appendFile(path.join(content, "articles/world/heatwave-europe.md"), "\nA correction was added.\n");
    expect(await rebuild()).toEqual([
      "atom.xml", "feed.json", "feed.xml", "world/atom.xml", "world/feed.json", "world/feed.xml", "world/heatwave-europe/index.html",
    ]);
    await expectSameAsCold();
  });

  it("rewrites the pages whose lists change when an article is published, and no other", async () => {
    await writeFile(
      path.join(content, "articles/world/new-story.md"),
      "---\ntitle: A new story\ncategory: world\ndate: 2024-07-31 10:00\n---\nNews.\n",
    );
    const before = await contents();
    const written = await rebuild();
    const after = await contents();
    expect(written).toContain("world/new-story/index.html");
    // Latest news is on every page, so most pages change; exactly those whose bytes changed are written.
    expect(written).toEqual([...after.keys()].filter((file) => before.get(file) !== after.get(file)));
    expect(written.filter((f) => f.startsWith("assets/"))).toEqual([]);
    await expectSameAsCold();
  });

  it("makes pages from their previous bytes on the second thread too, and renders one edited by hand", async () => {
    const edited = path.join(out, "politics/index.html");
    await appendFile(edited, "<!-- edited by hand -->");
    await writeFile(path.join(content, "articles/world/third-story.md"), "---\ntitle: A third story\ncategory: world\ndate: 2024-07-31 12:00\n---\nNews.\n");
    // workerThreshold 0: the second thread is used however small the site.
    const result = await build({ ...options(), workerThreshold: 0 });
    expect(result.diagnostics).toEqual([]);
    const stage = result.stages.map(([name]) => name).find((name) => name.startsWith("render pages"))!;
    expect(Number(/(\d+) made from their previous bytes/.exec(stage)?.[1])).toBeGreaterThan(20);
    expect(Number(/previous bytes \((\d+) by a second thread\)/.exec(stage)?.[1])).toBeGreaterThan(10);
    expect(await readFile(edited, "utf8")).not.toContain("edited by hand");
    await expectSameAsCold();
    await rm(path.join(content, "articles/world/third-story.md"));
    await rebuild();
  });

  it("records no stamp when a file changed while it was read: the next build reads it again", async () => {
    const file = path.join(content, "articles/world/heatwave-europe.md");
    await appendFile(file, "\nOne more line.\n");
    const checked = await checkStamp(options());
    // The walk saw the file at another size and time than its read does: an edit between the two (the second
    // thread reads the last stories before the walk asks their times).
    const stats = new Map(checked.stats);
    const walked = stats.get(file)!;
    stats.set(file, { size: walked.size - 1, mtimeMs: walked.mtimeMs - 1000 });
    expect((await build({ ...options(), checked: { ...checked, stats, candidate: false } })).diagnostics).toEqual([]);
    // Nothing vouches for the folder: the next build is no no-op, and leaves it as a cold build would.
    const next = await build(options());
    expect(next.stages.map(([name]) => name)).not.toContain("unchanged");
    await expectSameAsCold();
    expect((await build(options())).stages.map(([name]) => name)).toEqual(["unchanged"]);
  });

  it("has the second thread it opened at the start (the CLI found no resume) make pages from their previous bytes", async () => {
    await writeFile(path.join(content, "articles/world/fourth-story.md"), "---\ntitle: A fourth story\ncategory: world\ndate: 2024-07-31 13:00\n---\nNews.\n");
    const checked = await checkStamp(options());
    // workerThreshold 0: however small the site, the thread is opened before the pipeline, as for a big one.
    const result = await build({ ...options(), workerThreshold: 0, checked: { ...checked, candidate: false } });
    expect(result.diagnostics).toEqual([]);
    const stage = result.stages.map(([name]) => name).find((name) => name.startsWith("render pages"))!;
    expect(Number(/previous bytes \((\d+) by a second thread\)/.exec(stage)?.[1])).toBeGreaterThan(10);
    await expectSameAsCold();
    await rm(path.join(content, "articles/world/fourth-story.md"));
    await rebuild();
  });

  it("makes the pages of a category's other stories from their previous bytes when a story joins their Read also", async () => {
    // With three older stories, the World stories outside its newest four (readAlsoCount) show those four as
    // Read also. A story published in World changes that block on each of them.
    const story = (name: string, date: string) => writeFile(path.join(content, `articles/world/${name}.md`), `---\ntitle: Story ${name}\ncategory: world\ndate: ${date}\n---\nNews.\n`);
    const older = ["older-one", "older-two", "older-three"];
    for (const [i, name] of older.entries()) await story(name, `2024-07-01 1${i}:00`);
    const files = await listFiles(path.join(content, "articles"));
    const texts = await Promise.all(files.map((f) => readFile(path.join(content, "articles", f), "utf8")));
    const outside = texts.filter((text) => /^category: world$/m.test(text)).length - 4;
    expect(outside).toBeGreaterThanOrEqual(3);
    const article = path.join(templates, "article.eta");
    const theme = await readFile(article, "utf8");
    /** Pages rendered (not made from their previous bytes) when a story is published in World. */
    const renderedOnPublishing = async () => {
      await rebuild();
      await story("newest", "2024-07-31 11:00");
      const result = await build(options());
      expect(result.diagnostics).toEqual([]);
      await expectSameAsCold();
      await rm(path.join(content, "articles/world/newest.md"));
      const stage = result.stages.map(([name]) => name).find((name) => name.startsWith("render pages"))!;
      return Number(/(\d+) rendered/.exec(stage)?.[1]);
    };
    const spliced = await renderedOnPublishing();
    expect(await readFile(path.join(out, "world/older-one/index.html"), "utf8")).toContain("Story newest");
    // The same Read also, printed through a loop the check does not know: those pages are rendered.
    await writeFile(article, theme.replace("const item of it.readAlso) { %><%~ include(\"@partials/item\", { item })", "const story of it.readAlso) { %><%~ include(\"@partials/item\", { item: story })"));
    expect(await readFile(article, "utf8")).not.toBe(theme);
    expect(await renderedOnPublishing()).toBe(spliced + outside);
    await writeFile(article, theme);
    for (const name of older) await rm(path.join(content, `articles/world/${name}.md`));
    await rebuild();
    await expectSameAsCold();
  });

  it("gives the same pages as a cold build when a theme uses Latest news other than as it is", async () => {
    // Pages whose only change is Latest news are made from their previous bytes; this theme prints the block's
    // length instead, which the first such page of each kind reveals, so every page is rendered.
    const article = path.join(templates, "article.eta");
    const text = await readFile(article, "utf8");
    await writeFile(article, text.replace("</article>", "</article><p data-latest-length=\"<%= it.latestNews.length %>\"></p>"));
    await rebuild();
    await writeFile(path.join(content, "articles/world/second-story.md"), "---\ntitle: A second story\ncategory: world\ndate: 2024-07-31 11:00\n---\nNews.\n");
    await rebuild();
    await expectSameAsCold();
    await rm(path.join(content, "articles/world/second-story.md"));
    await writeFile(article, text);
    await rebuild();
    await expectSameAsCold();
  });

  it("gives the same pages as a cold build when a theme uses Latest news otherwise on some pages of a kind only", async () => {
    // The first page of a kind may use the block as it is and the next ones not: then no page is made from its
    // previous bytes. Either way round, one of these two themes puts such pages after the first.
    const article = path.join(templates, "article.eta");
    const text = await readFile(article, "utf8");
    for (const test of ['a.category.name === "Economy"', 'a.category.name !== "Economy"']) {
      await writeFile(article, text.replace("</article>", `</article><% if (${test}) { %><p data-latest-length="<%= it.latestNews.length %>"></p><% } %>`));
      await rebuild();
      const story = path.join(content, "articles/world/second-story.md");
      await writeFile(story, "---\ntitle: A second story\ncategory: world\ndate: 2024-07-31 11:00\n---\nNews.\n");
      await rebuild();
      await expectSameAsCold();
      await rm(story);
    }
    await writeFile(article, text);
    await rebuild();
    await expectSameAsCold();
  });

  it("takes a feed's bodies from the last build only while the story's bytes and the configuration are the same", async () => {
    // The story's body as a feed carries it depends on allowHtml (false by default): the kept bodies must not
    // outlive it, nor the story's bytes.
    const story = path.join(content, "articles/world/raw-html.md");
    await writeFile(story, "---\ntitle: Raw HTML\ncategory: world\ndate: 2024-07-31 09:30\n---\nSome <b>bold</b> news.\n");
    await rebuild();
    const config = path.join(content, "site.yml");
    const text = await readFile(config, "utf8");
    const feed = () => readFile(path.join(out, "world/feed.json"), "utf8");
    expect(await feed()).toContain("&lt;b&gt;bold");
    await writeFile(config, `${text}\nallowHtml: true\n`);
    await rebuild();
    expect(await feed()).toContain("<b>bold</b>");
    await expectSameAsCold();
    await writeFile(config, text);
    await appendFile(story, "\nMore <i>news</i>.\n");
    await rebuild();
    expect(await feed()).toContain("&lt;i&gt;news");
    await expectSameAsCold();
    await rm(story);
    await rebuild();
  });

  it("turns an old address that was a file into a folder, and back", async () => {
    const story = path.join(content, "articles/world/moved-story.md");
    const withAlias = (alias: string) =>
      writeFile(story, `---\ntitle: A moved story\ncategory: world\ndate: 2024-07-30 10:00\naliases: [${alias}]\n---\nMoved.\n`);
    await withAlias("/2019/05/story.html");
    await rebuild();
    expect(existsSync(path.join(out, "2019/05/story.html"))).toBe(true);
    await withAlias("/2019/05/story.html/");
    await rebuild();
    expect(existsSync(path.join(out, "2019/05/story.html/index.html"))).toBe(true);
    await expectSameAsCold();
    await withAlias("/2019/05/story.html");
    await rebuild();
    await expectSameAsCold();
    await rm(story);
    await rebuild();
  });

  it("removes the page and folder of an article that was deleted", async () => {
    await rm(path.join(content, "articles/world/new-story.md"));
    await rebuild();
    expect(existsSync(path.join(out, "world/new-story"))).toBe(false);
    await expectSameAsCold();
  });

  it("renders again every page that includes a template that was edited", async () => {
    const item = path.join(templates, "partials/item.eta");
    await writeFile(item, (await readFile(item, "utf8")).replace('class="item-meta"', 'class="item-meta edited"'));
    const written = await rebuild();
    expect(written).toContain("news/index.html");
    expect(written).not.toContain("404.html");
    await expectSameAsCold();
  });

  it("writes nothing when files were only touched (a fresh clone, a restored cache), nor when the parse cache is damaged", async () => {
    const article = path.join(content, "articles/world/heatwave-europe.md");
    await utimes(article, new Date(), new Date(2030, 0, 1));
    expect(await rebuild()).toEqual([]);
    await writeFile(path.join(root, ".broadsheet-cache/content.json"), "{ not json");
    expect(await rebuild()).toEqual([]);
  });

  it("reads every file again with --no-cache, even an edited one whose size and time were kept", async () => {
    const article = path.join(content, "articles/world/heatwave-europe.md");
    const before = await stat(article);
    const text = await readFile(article, "utf8");
    await writeFile(article, text.replace("A correction was added.", "A correction was amend."));
    await utimes(article, before.atime, before.mtime);
    // Same size, same time: an incremental build trusts its parse cache (as git trusts its index); a cold one reads.
    expect((await stat(article)).size).toBe(before.size);
    await rebuild({ noCache: true });
    expect(await readFile(path.join(out, "world/heatwave-europe/index.html"), "utf8")).toContain("A correction was amend.");
  });

  it("publishes a scheduled story when its time comes, and drops a story from the news sitemap after two days, with no file changed", async () => {
    const hour = 3600_000;
    const scheduled = path.join(content, "articles/world/scheduled-story.md");
    await writeFile(scheduled, "---\ntitle: A scheduled story\ncategory: world\ndate: 2024-08-01 06:00\n---\nLater.\n");
    // 2024-08-01 06:00 in Baku is 02:00 UTC, two hours after FIXTURE_NOW.
    await rebuild();
    expect(existsSync(path.join(out, "world/scheduled-story/index.html"))).toBe(false);
    const same = await build(options());
    expect(same.stages.map(([stage]) => stage)).toEqual(["unchanged"]);
    expect(same.summary?.next?.file).toMatch(/scheduled-story\.md$/);

    const written = await rebuild({ now: FIXTURE_NOW + 3 * hour });
    expect(written).toContain("world/scheduled-story/index.html");
    expect(await readFile(path.join(out, "news-sitemap.xml"), "utf8")).toContain("/world/scheduled-story/");
    await rebuild({ now: FIXTURE_NOW + 3 * hour + 2 * 24 * hour });
    expect(await readFile(path.join(out, "news-sitemap.xml"), "utf8")).not.toContain("/world/scheduled-story/");
    // The clock goes back (a build given an earlier SOURCE_DATE_EPOCH): the story is not published yet, again.
    await rebuild();
    expect(existsSync(path.join(out, "world/scheduled-story/index.html"))).toBe(false);
    await expectSameAsCold();
    await rm(scheduled);
    await rebuild();
  });

  it("rewrites every file with --no-cache", async () => {
    const files = await listFiles(out);
    expect(await rebuild({ noCache: true })).toEqual(files);
  });

  it("is cold again when the output folder was replaced behind its back", async () => {
    await rm(out, { recursive: true, force: true });
    await mkdir(out);
    await rebuild();
    await expectSameAsCold();
  });

  it("finishes the changes of a build killed after its commit point", async () => {
    const staging = path.join(root, "public.staging-killed");
    await mkdir(staging);
    await writeFile(path.join(staging, "0"), "<p>new about page</p>");
    const before = (await loadManifest(out))!.files;
    expect(Object.keys(before)).toContain("news/index.html");
    await commitJournal(out, { staging, moves: [["0", "about/index.html"]], removes: ["news/index.html"] });
    await recoverJournal(out);
    expect(await readFile(path.join(out, "about/index.html"), "utf8")).toBe("<p>new about page</p>");
    expect(existsSync(path.join(out, "news/index.html"))).toBe(false);
    expect(existsSync(staging)).toBe(false);
    // The journal does not hold the manifest the killed build would have saved: the one it left holds, but for
    // the files the journal changed, which the next build makes and writes again (and no other).
    const { "about/index.html": _about, "news/index.html": _news, ...untouched } = before;
    expect((await loadManifest(out))!.files).toEqual(untouched);
    expect(await rebuild()).toEqual(["about/index.html", "news/index.html"]);
    await expectSameAsCold();
  });
});

describe("pages made from their previous bytes", () => {
  let site: string;
  const at = (name: string) => path.join(site, name);
  const opts = (theme = TEMPLATES): BuildOptions => ({ contentDir: at("content"), templatesDir: theme, outDir: at("public"), now: FIXTURE_NOW });
  const story = (file: string, front: string) => writeFile(at(`content/articles/${file}`), `---\n${front}\n---\nBody.\n`);
  beforeAll(async () => {
    site = await mkdtemp(path.join(tmpdir(), "broadsheet-splice-"));
  });
  afterAll(() => rm(site, { recursive: true, force: true }));
  const fresh = async () => {
    await rm(at("content"), { recursive: true, force: true });
    await rm(at("public"), { recursive: true, force: true });
    await rm(at(".broadsheet-cache"), { recursive: true, force: true });
    await cp(fixture("newsroom"), at("content"), { recursive: true });
  };

  it("are the pages of a cold build after a build that stopped between recording the blocks and its commit", async () => {
    await fresh();
    expect((await build(opts())).ok).toBe(true);
    // A story in Politics' newest four, older than Latest news: Read also changes on the other Politics stories'
    // pages, Latest news nowhere; and a body edited in Economy, whose pages come first.
    await story("politics-p1.md", "title: Politics P1\ncategory: politics\ndate: 2024-07-17T00:00:00Z");
    await appendFile(at("content/articles/economy/tourism-season.md"), "Extra sentence.\n");
    // The journal cannot be written (a full disk, or a kill): after the blocks, before the commit.
    const journal = at(".broadsheet-cache/public.journal.json.tmp");
    await mkdir(journal);
    await expect(build(opts())).rejects.toThrow();
    await rm(journal, { recursive: true });
    expect((await build(opts())).diagnostics).toEqual([]);
    await expectSameAsColdBuild(at("public"), opts(), at("cold"));
  });

  it("are the pages of a cold build when a theme's Latest news is made of the item partial that Read also shows", async () => {
    await fresh();
    const theme = at("theme");
    await rm(theme, { recursive: true, force: true });
    await cp(TEMPLATES, theme, { recursive: true });
    await writeFile(path.join(theme, "partials/latest-news.eta"), '<% for (const item of it.items) { %><%~ include("@partials/item", { item }) %><% } %>');
    const layout = path.join(theme, "layout.eta");
    const text = await readFile(layout, "utf8");
    expect(text).toContain("<%~ it.latestNews %>");
    await writeFile(layout, text.replace("<%~ it.latestNews %>", '<ul class="latest"><%~ it.latestNews %></ul>'));
    const config = at("content/site.yml");
    await writeFile(config, (await readFile(config, "utf8")).replace("latestNewsCount: 10", "latestNewsCount: 2"));
    // The two newest stories in Analytics: Latest news, and the Read also of Analytics' other stories, start alike.
    await story("analytics-a1.md", "title: Story a1\ncategory: analytics\ndate: 2024-07-31T00:00:00Z");
    await story("analytics-a2.md", "title: Story a2\ncategory: analytics\ndate: 2024-07-31T01:00:00Z");
    expect((await build(opts(theme))).ok).toBe(true);
    await story("economy-e1.md", "title: Story e1\ncategory: economy\ndate: 2024-07-31T02:00:00Z");
    expect((await build(opts(theme))).diagnostics).toEqual([]);
    await expectSameAsColdBuild(at("public"), opts(theme), at("cold"));
  });
});
