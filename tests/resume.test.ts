import { appendFile, cp, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type BuildOptions, type BuildResult } from "../src/build.js";
import { snapshot } from "./bench/measure.js";
import { cli, newsroomCopy } from "./cli-spawn.js";
import { FIXTURE_NOW, TEMPLATES, expectSameAsColdBuild, fixture } from "./helpers.js";

// A build whose only changes are article (or page) bodies resumes from the last build's snapshot instead of
// reading every file: it must write exactly what the full pipeline writes, and fall back to it whenever the
// change is more than a body.

let root: string;
let content: string;
let out: string;
const options = (extra: Partial<BuildOptions> = {}): BuildOptions => ({ contentDir: content, templatesDir: TEMPLATES, outDir: out, now: FIXTURE_NOW, ...extra });
const article = (rel: string) => path.join(content, "articles", rel);
const snapshotFile = () => path.join(root, ".broadsheet-cache", "public.site.v8");
const editsFile = () => path.join(root, ".broadsheet-cache", "public.site-edits.json");

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "broadsheet-resume-"));
  content = path.join(root, "content");
  out = path.join(root, "public");
  await cp(fixture("newsroom"), content, { recursive: true });
  expect((await build({ ...options(), noCache: true })).ok).toBe(true);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Builds; returns how the build started (its first stage) and the files it wrote. */
async function rebuild(extra: Partial<BuildOptions> = {}): Promise<{ first: string; written: string[]; result: BuildResult }> {
  const before = await snapshot(out);
  const result = await build(options(extra));
  expect(result.ok).toBe(true);
  const after = await snapshot(out);
  const written = [...after].filter(([file, id]) => before.get(file) !== id).map(([file]) => file).sort();
  return { first: result.stages[0]![0], written, result };
}

/** The output and diagnostics of a cold build of the same content. */
async function expectSameAsCold(resumed: BuildResult, extra: Partial<BuildOptions> = {}): Promise<void> {
  const cold = await expectSameAsColdBuild(out, options(extra), path.join(root, "cold"));
  expect(resumed.diagnostics).toEqual(cold.diagnostics);
  expect(resumed.summary).toEqual(cold.summary);
}

/**
 * From a snapshot of the files as they are, the story at `rel` with its front matter edited by `edit`: the build
 * must resume and write what a cold build writes. Returns that build, the file and its text as it was.
 */
async function frontMatterEdit(rel: string, edit: (text: string) => string) {
  await rebuild({ noCache: true });
  const file = article(rel);
  const text = await readFile(file, "utf8");
  await writeFile(file, edit(text));
  const built = await rebuild();
  expect(built.first).toBe("resume (1 front matter edited)");
  await expectSameAsCold(built.result);
  return { ...built, file, text };
}

/** The story back as it was: a front matter edited again since the last build, which resumes too. */
async function putBack(file: string, text: string) {
  await writeFile(file, text);
  const back = await rebuild();
  expect(back.first).toBe("resume (1 front matter edited)");
  await expectSameAsCold(back.result);
  return back;
}

describe("a build that changed bodies only", () => {
  it("resumes from the last build's site, and writes the article's page and the feeds that carry its body", async () => {
    await appendFile(article("world/heatwave-europe.md"), "\nA correction was added.\n");
    const { first, written, result } = await rebuild();
    expect(first).toBe("resume (1 body edited)");
    expect(written).toEqual(["atom.xml", "feed.json", "feed.xml", "world/atom.xml", "world/feed.json", "world/feed.xml", "world/heatwave-europe/index.html"]);
    await expectSameAsCold(result);
  });

  it("resumes for several bodies, a page's and a scheduled story's among them, and again from the site it resumed", async () => {
    await appendFile(article("economy/tourism-season.md"), "\nHotels are full.\n");
    await appendFile(path.join(content, "pages/about.md"), "\nWrite to us.\n");
    await appendFile(article("future/new-year-outlook.md"), "\nMore soon.\n");
    const { first, written, result } = await rebuild();
    expect(first).toBe("resume (3 bodies edited)");
    expect(written).toContain("about/index.html");
    expect(written).toContain("economy/tourism-season/index.html");
    await expectSameAsCold(result);
    // A resumed build writes its edits beside the snapshot, not the snapshot again; the next one reads both.
    const snapshotTime = (await stat(snapshotFile())).mtimeMs;
    await appendFile(article("economy/tourism-season.md"), "\nAnd the beaches.\n");
    const again = await rebuild();
    expect(again.first).toBe("resume (1 body edited)");
    expect((await stat(snapshotFile())).mtimeMs).toBe(snapshotTime);
    await expectSameAsCold(again.result);
  });

  it("embeds, raw text and Markdown in the new body render as in a full build", async () => {
    const file = article("world/central-asia-water.md");
    const text = await readFile(file, "utf8");
    await writeFile(file, `${text}\n## A new section\n\n<script>alert(1)</script> and a [link](https://example.com/).\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n`);
    const { first, result } = await rebuild();
    expect(first).toBe("resume (1 body edited)");
    await expectSameAsCold(result);
  });

  it("carries the last build's warnings on", async () => {
    const file = article("world/heatwave-europe.md");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("category: world\n", "category: world\nmood: sunny\n"));
    // A full build with the warning (a front matter edit would resume too: see the next test).
    const warned = await rebuild({ noCache: true });
    expect(warned.first).toBe("load");
    expect(warned.result.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([expect.stringMatching(/heatwave-europe\.md:4 unknown-field$/)]);
    await appendFile(file, "\nAnother line.\n");
    const { first, result } = await rebuild();
    expect(first).toBe("resume (1 body edited)");
    expect(result.diagnostics).toEqual(warned.result.diagnostics);
    await expectSameAsCold(result);
    await writeFile(file, text);
  });

  it("resumes when a headline or dek changed, and writes the pages that show the story", async () => {
    const { written, file, text } = await frontMatterEdit("world/heatwave-europe.md", (text) =>
      text.replace("title: Heatwave grips southern Europe", "title: Heatwave grips all of Europe # fixed\nsubtitle: Forty degrees in three countries"),
    );
    expect(written).toContain("world/heatwave-europe/index.html");
    expect(written).toContain("world/index.html");
    expect(written).toContain("world/feed.xml");
    expect(written).not.toContain("economy/index.html");
    expect(await readFile(path.join(out, "world/heatwave-europe/index.html"), "utf8")).toContain("Forty degrees in three countries");
    // As it was: a front matter edited again since the last build (whose headline the next builds keep).
    expect((await putBack(file, text)).written).toContain("world/heatwave-europe/index.html");
  });

  it("resumes when a picture's description, caption or credit changed", async () => {
    const file = article("world/heatwave-europe.md");
    const text = await readFile(file, "utf8");
    const picture = "image: https://example.com/heat.jpg\nimageAlt: A thermometer in the sun\nimageCaption: Seville at noon\n";
    await writeFile(file, text.replace("category: world\n", `category: world\n${picture}`));
    expect((await rebuild()).first).toBe("load");
    await writeFile(file, text.replace("category: world\n", `category: world\n${picture.replace("Seville at noon", "Seville at 2 pm").replace("in the sun", "in full sun")}imageCredit: Desk photo\n`));
    const { first, written, result } = await rebuild();
    expect(first).toBe("resume (1 front matter edited)");
    expect(written).toContain("world/heatwave-europe/index.html");
    const page = await readFile(path.join(out, "world/heatwave-europe/index.html"), "utf8");
    expect(page).toContain("Seville at 2 pm");
    expect(page).toContain('alt="A thermometer in full sun"');
    await expectSameAsCold(result);
    await writeFile(file, text);
    expect((await rebuild()).first).toBe("load");
  });

  it("resumes when a story is marked updated, and the sitemap's dates follow", async () => {
    const { written, file, text } = await frontMatterEdit("world/heatwave-europe.md", (text) =>
      `${text.replace("date: 2024-07-07T09:00:00Z\n", "date: 2024-07-07T09:00:00Z\nupdated: 2024-07-08T10:00:00Z\n")}\nCorrection: the record was set in Seville.\n`,
    );
    expect(written).toContain("sitemap.xml");
    expect(written).toContain("world/heatwave-europe/index.html");
    expect((await putBack(file, text)).written).toContain("sitemap.xml");
  });

  it("gives an edited front matter the warnings it has now, and none of those it had", async () => {
    const warned = await frontMatterEdit("world/heatwave-europe.md", (text) => text.replace("category: world\n", "category: world\nmood: sunny\n"));
    expect(warned.result.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([expect.stringMatching(/heatwave-europe\.md:4 unknown-field$/)]);
    expect((await putBack(warned.file, warned.text)).result.diagnostics).toEqual([]);
  });

  it("keeps a headline an earlier resumed build took, when the next one resumes for another story", async () => {
    const { file, text } = await frontMatterEdit("world/central-asia-water.md", (text) => text.replace(/^title: (.*)$/m, "title: $1, signed"));
    await appendFile(article("economy/tourism-season.md"), "\nHotels are full.\n");
    const next = await rebuild();
    expect(next.first).toBe("resume (1 body edited)");
    expect(await readFile(path.join(out, "404.html"), "utf8")).toContain(", signed</a>");
    await expectSameAsCold(next.result);
    await putBack(file, text);
  });

  it("changes every page when the headline edited is in Latest news", async () => {
    const { written, file, text } = await frontMatterEdit("world/central-asia-water.md", (text) => text.replace(/^title: (.*)$/m, "title: $1 (updated)"));
    expect(written).toContain("economy/tourism-season/index.html");
    expect(written).toContain("about/index.html");
    await putBack(file, text);
  });
});

describe("a build that published stories", () => {
  it("resumes from the last build's site with them, and the next build from the site it wrote", async () => {
    await rebuild({ noCache: true });
    const story = article("world/new-story.md");
    await writeFile(story, "---\ntitle: A new story\ncategory: world\ndate: 2024-07-31 10:00\ntags: [brand new]\n---\nNews.\n");
    const added = await rebuild();
    expect(added.first).toBe("resume (1 story added)");
    expect(added.written).toContain("world/new-story/index.html");
    expect(added.written.filter((file) => file.includes("brand-new"))).not.toEqual([]);
    await expectSameAsCold(added.result);
    await appendFile(story, "\nMore news.\n");
    const edited = await rebuild();
    expect(edited.first).toBe("resume (1 body edited)");
    await expectSameAsCold(edited.result);
    // Two more, one scheduled and one with a warning, with a body edited.
    await writeFile(article("economy/later.md"), "---\ntitle: Later\ncategory: economy\ndate: 2024-08-02 10:00\n---\nSoon.\n");
    await writeFile(article("economy/odd.md"), "---\ntitle: Odd\ncategory: economy\ndate: 2024-07-30 10:00\nmood: sunny\n---\nNews.\n");
    await appendFile(story, "\nEven more.\n");
    const more = await rebuild();
    expect(more.first).toBe("resume (1 body edited, 2 stories added)");
    expect(more.result.diagnostics.filter((d) => d.file.endsWith("economy/odd.md")).map((d) => `${d.line} ${d.code}`)).toEqual(["5 unknown-field"]);
    await expectSameAsCold(more.result);
    for (const rel of ["world/new-story.md", "economy/later.md", "economy/odd.md"]) await rm(article(rel));
    expect((await rebuild()).first).toBe("load");
  });
});

describe("the full pipeline runs instead", () => {
  const fullBuild = async (change: () => Promise<void>, extra: Partial<BuildOptions> = {}) => {
    await change();
    const { first, result } = await rebuild(extra);
    expect(first).toBe("load");
    await expectSameAsCold(result, extra);
  };

  it("when a field of the front matter other than the headline and dek changed, even to as many bytes", async () => {
    const file = article("world/heatwave-europe.md");
    const text = await readFile(file, "utf8");
    const edit = (from: string, to: string) => async () => writeFile(file, (await readFile(file, "utf8")).replace(from, to));
    await fullBuild(edit("date: 2024-07-07T09:00:00Z", "date: 2024-07-07T09:01:00Z"));
    await fullBuild(edit("category: world\n", "category: economy\n"));
    await fullBuild(edit("category: economy\n", "category: world\ntags: [heat]\n"));
    await fullBuild(edit("tags: [heat]\n", ""));
    await fullBuild(edit("author: celine-d", "author: celine-d\ndraft: true"));
    await fullBuild(() => writeFile(file, text));
  });

  it("when a headline edit comes with a mistake in the front matter, which the full way reports", async () => {
    const file = article("world/heatwave-europe.md");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("title: Heatwave grips southern Europe", "title: Heatwave grips Europe").replace("author: celine-d", "author: nobody"));
    const result = await build(options());
    expect(result.ok).toBe(false);
    expect(result.stages[0]![0]).toBe("load");
    expect(result.diagnostics.map((d) => `${d.line} ${d.code}`)).toEqual(["4 unknown-author"]);
    await writeFile(file, text);
    expect((await build(options())).ok).toBe(true);
  });

  it("when a body gains an image, or becomes empty", async () => {
    const file = article("economy/manat-exchange-rate.md");
    const text = await readFile(file, "utf8");
    await fullBuild(() => appendFile(file, "\n![A chart](https://example.com/chart.png)\n"));
    await fullBuild(() => writeFile(file, text.slice(0, text.indexOf("---", 3) + 4)));
    await fullBuild(() => writeFile(file, text));
  });

  it("when a file was removed, or a draft or the configuration changed", async () => {
    await fullBuild(() => writeFile(article("world/new-story.md"), "---\ntitle: A new story\ncategory: world\ndate: 2024-07-31 10:00\n---\nNews.\n"), { noCache: true });
    await fullBuild(() => rm(article("world/new-story.md")));
    await fullBuild(() => appendFile(article("drafts/unfinished-analysis.md"), "\nMore.\n"));
    await fullBuild(() => appendFile(path.join(content, "site.yml"), "\n# a comment\n"));
  });

  it("when a story added is a draft, has a picture, or is a page", async () => {
    const added = (rel: string, front: string) => async () => writeFile(rel.startsWith("pages/") ? path.join(content, rel) : article(rel), `---\n${front}\n---\nNews.\n`);
    const story = "title: Added\ncategory: world\ndate: 2024-07-31 09:00";
    await fullBuild(added("world/added-draft.md", `${story}\ndraft: true`));
    await fullBuild(added("world/added-picture.md", `${story}\nimage: https://example.com/picture.jpg\nimageAlt: A picture`));
    await fullBuild(added("pages/added-page.md", "title: Added page"));
    for (const rel of ["world/added-draft.md", "world/added-picture.md"]) await rm(article(rel));
    await rm(path.join(content, "pages/added-page.md"));
    await rebuild();
  });

  it("when a link that leads nowhere comes or goes, with a story added or not: its warning is a cold build's", async () => {
    const link = article("world/broken.md");
    const warned = (result: BuildResult) => result.diagnostics.some((d) => d.code === "symlink-outside" && d.file.endsWith("world/broken.md"));
    await symlink("/nonexistent/story.md", link);
    const alone = await rebuild();
    expect([alone.first, warned(alone.result)]).toEqual(["load", true]);
    await expectSameAsCold(alone.result);
    await rm(link);
    const gone = await rebuild();
    expect([gone.first, warned(gone.result)]).toEqual(["load", false]);
    await symlink("/nonexistent/story.md", link);
    await writeFile(article("world/with-link.md"), "---\ntitle: With a link\ncategory: world\ndate: 2024-07-30 11:00\n---\nNews.\n");
    const both = await rebuild();
    expect([both.first, warned(both.result)]).toEqual(["load", true]);
    await expectSameAsCold(both.result);
    await rm(link);
    await rm(article("world/with-link.md"));
    await rebuild();
  });

  it("when site.yml, linked from outside the content folder, changed there", async () => {
    const config = path.join(content, "site.yml");
    const outside = path.join(root, "shared-site.yml");
    const text = await readFile(config, "utf8");
    await writeFile(outside, text);
    await rm(config);
    await symlink(outside, config);
    await rebuild();
    await fullBuild(() => writeFile(outside, text.replace("title: Fixture Times", "title: Fixture Times Weekly")));
    expect(await readFile(path.join(out, "index.html"), "utf8")).toContain("Fixture Times Weekly");
    await rm(config);
    await writeFile(config, text);
    await rebuild();
  });

  it("when a story added takes a slug a story or a draft has, which the full way reports", async () => {
    for (const slug of ["heatwave-europe", "unfinished-analysis"]) {
      const file = article(`world/${slug}-again.md`);
      await writeFile(file, `---\ntitle: Again\ncategory: world\ndate: 2024-07-31 09:00\nslug: ${slug}\n---\nNews.\n`);
      const result = await build(options());
      expect(result.ok).toBe(false);
      expect(result.stages[0]![0]).toBe("load");
      expect(result.diagnostics.map((d) => d.code)).toEqual(["duplicate-slug"]);
      await rm(file);
      expect((await build(options())).ok).toBe(true);
    }
  });

  it("when the clock went back, or other options were given", async () => {
    await fullBuild(() => appendFile(article("world/heatwave-europe.md"), "\nLater.\n"), { now: FIXTURE_NOW - 60_000 });
    await fullBuild(() => appendFile(article("world/heatwave-europe.md"), "\nLater still.\n"), { now: FIXTURE_NOW, baseUrl: "https://staging.example.com/" });
    await fullBuild(() => appendFile(article("world/heatwave-europe.md"), "\nAgain.\n"), { now: FIXTURE_NOW });
  });

  it("when the image cache it would copy variants from was emptied", async () => {
    const site = path.join(root, "images-site");
    const opts = { contentDir: path.join(site, "content"), templatesDir: TEMPLATES, outDir: path.join(site, "public"), now: FIXTURE_NOW };
    await cp(fixture("lead-image"), opts.contentDir, { recursive: true });
    expect((await build(opts)).ok).toBe(true);
    await appendFile(path.join(opts.contentDir, "articles/ferry-timetable.md"), "\nA third crossing on Sundays.\n");
    expect((await build(opts)).stages[0]![0]).toBe("resume (1 body edited)");
    await rm(path.join(site, ".broadsheet-cache/images"), { recursive: true });
    await appendFile(path.join(opts.contentDir, "articles/ferry-timetable.md"), "\nAnd a fourth.\n");
    const result = await build(opts);
    expect(result.stages[0]![0]).toBe("load");
    expect(result.ok).toBe(true);
    await expectSameAsColdBuild(opts.outDir, opts, path.join(site, "cold"));
  });

  describe("when a file gets back the size and time it had before it was resumed, with other bytes", () => {
    // A full build (a draft was added) puts the article in the parse cache by this size and time; a resumed
    // build reads a later state of it; then the file gets the cached size and time back with another title.
    // The parse cache must not give the old title back, whatever happened to its files in between.
    const revert = async (meanwhile: () => Promise<void>) => {
      const file = article("world/heatwave-europe.md");
      const extra = article("world/extra.md");
      const first = await readFile(file, "utf8");
      await utimes(file, 1_700_000_000, 1_700_000_000);
      await writeFile(extra, "---\ntitle: Extra\ncategory: world\ndate: 2024-07-01 10:00\ndraft: true\n---\nMore.\n");
      expect((await rebuild()).first).toBe("load");
      const cached = await readFile(path.join(root, ".broadsheet-cache/content.more.json"));
      await appendFile(file, "\nA correction.\n");
      expect((await rebuild()).first).toBe("resume (1 body edited)");
      await meanwhile();
      // Another date too, of as many bytes: a headline edit alone resumes, parsing the file itself.
      await fullBuild(async () => {
        await writeFile(file, first.replace("title: Heatwave", "title: HEATWAVE").replace("T09:00:00Z", "T09:01:00Z"));
        await utimes(file, 1_700_000_000, 1_700_000_000);
      });
      expect(await readFile(path.join(out, "world/heatwave-europe/index.html"), "utf8")).toContain("HEATWAVE grips");
      await writeFile(file, first);
      await rm(extra);
      await rebuild();
      return cached;
    };
    const more = () => path.join(root, ".broadsheet-cache/content.more.json");

    it("with nothing else done", () => revert(async () => {}));

    it("when the parse cache's file of later reads was deleted, or put back as it was before", async () => {
      await revert(() => rm(more()));
      let before: Buffer | undefined;
      before = await revert(async () => {
        if (before) await writeFile(more(), before);
      });
      await revert(() => writeFile(more(), before!));
    });

    it("when another content folder beside it shares the cache folder and resumed meanwhile", async () => {
      const other = path.join(root, "content2");
      await cp(content, other, { recursive: true });
      const otherOptions = { ...options(), contentDir: other, outDir: path.join(root, "public2") };
      expect((await build(otherOptions)).ok).toBe(true);
      await revert(async () => {
        await appendFile(path.join(other, "articles/world/heatwave-europe.md"), "\nElsewhere.\n");
        expect((await build(otherOptions)).stages[0]![0]).toBe("resume (1 body edited)");
      });
      await rm(other, { recursive: true });
    });
  });

  it("from the CLI (in its own thread), and hands the build to the heap-capped worker when the edit is more than a body", async () => {
    const dir = await newsroomCopy();
    const file = path.join(dir, "content/articles/world/heatwave-europe.md");
    const cliOptions = { contentDir: path.join(dir, "content"), templatesDir: path.join(dir, "templates"), outDir: path.join(dir, "public"), now: FIXTURE_NOW };
    const stagesOf = async () => {
      const run = await cli(dir, ["build", "--timings"]);
      expect(run.code, run.stderr).toBe(0);
      await expectSameAsColdBuild(cliOptions.outDir, cliOptions, path.join(dir, "cold"));
      return run.stderr.split("\n").filter((line) => line.startsWith("  ")).map((line) => line.trim().split(":")[0]);
    };
    expect((await stagesOf())[0]).toBe("load");
    await appendFile(file, "\nA correction.\n");
    // Only the story's own page: the pages that list it show no body.
    expect(await stagesOf()).toEqual(["resume (1 body edited)", "render pages (1 rendered, 0 made from their previous bytes, 65 unchanged)", "render feeds and sitemaps", "write"]);
    // A headline edited resumes too.
    await writeFile(file, (await readFile(file, "utf8")).replace("title: Heatwave grips", "title: Heat grips"));
    expect((await stagesOf())[0]).toBe("resume (1 front matter edited)");
    // Another field changed: found only once the file is parsed, in the CLI's thread, which then leaves the build to the worker.
    await writeFile(file, (await readFile(file, "utf8")).replace("category: world\n", "category: economy\n"));
    expect((await stagesOf())[0]).toBe("load");
    // A body edit, but the site of the snapshot is gone: found once the bundle is loaded; the worker reads everything.
    await appendFile(file, "\nAnother correction.\n");
    await rm(path.join(dir, ".broadsheet-cache/public.site.v8"));
    expect((await stagesOf())[0]).toBe("load");
    await appendFile(file, "\nA third correction.\n");
    expect((await stagesOf())[0]).toBe("resume (1 body edited)");
    await rm(dir, { recursive: true, force: true });
  });

  it("when it runs from another working folder, whose diagnostics name files otherwise", async () => {
    const dir = await newsroomCopy();
    const file = path.join(dir, "content/articles/world/heatwave-europe.md");
    await writeFile(file, (await readFile(file, "utf8")).replace("category: world\n", "category: world\nmood: sunny\n"));
    const args = (out: string, ...more: string[]) => ["build", "--content", path.join(dir, "content"), "--templates", path.join(dir, "templates"), "--out", out, "--timings", ...more];
    expect((await cli(dir, args(path.join(dir, "public")))).stderr).toContain("content/articles/world/heatwave-europe.md:4");
    await appendFile(file, "\nA correction.\n");
    const other = path.dirname(dir);
    const again = await cli(other, args(path.join(dir, "public")));
    expect(again.stderr).toContain("  load: ");
    const cold = await cli(other, args(path.join(dir, "cold"), "--no-cache"));
    const warnings = (text: string) => text.split("\n").filter((line) => line.includes("heatwave-europe.md"));
    expect(warnings(again.stderr)).toEqual(warnings(cold.stderr));
    expect(warnings(again.stderr)[0]).toContain(`${path.basename(dir)}/content/articles/world/heatwave-europe.md:4`);
    await rm(dir, { recursive: true, force: true });
  });

  it("when the snapshot or its edits are missing, damaged or not the last build's", async () => {
    const heatwave = article("world/heatwave-europe.md");
    // A full build writes the snapshot, a resumed one the edits since.
    await fullBuild(() => appendFile(article("drafts/unfinished-analysis.md"), "\nMore again.\n"));
    const snapshot = await readFile(snapshotFile());
    await appendFile(heatwave, "\nOne.\n");
    expect((await rebuild()).first).toBe("resume (1 body edited)");
    const olderEdits = await readFile(editsFile());
    await appendFile(heatwave, "\nTwo.\n");
    expect((await rebuild()).first).toBe("resume (1 body edited)");
    await fullBuild(async () => {
      await writeFile(editsFile(), olderEdits);
      await appendFile(heatwave, "\nThree.\n");
    });
    // That full build wrote another snapshot: the one before it is not the last build's.
    await fullBuild(async () => {
      await writeFile(snapshotFile(), snapshot);
      await appendFile(heatwave, "\nFour.\n");
    });
    await appendFile(heatwave, "\nFive.\n");
    expect((await rebuild()).first).toBe("resume (1 body edited)");
    // The edits are the last build's, but made on another snapshot.
    await fullBuild(async () => {
      await writeFile(snapshotFile(), snapshot);
      await appendFile(heatwave, "\nFive and a half.\n");
    });
    await appendFile(heatwave, "\nFive and three quarters.\n");
    expect((await rebuild()).first).toBe("resume (1 body edited)");
    await fullBuild(async () => {
      await rm(editsFile());
      await appendFile(heatwave, "\nSix.\n");
    });
    await fullBuild(async () => {
      await writeFile(snapshotFile(), "not a snapshot");
      await appendFile(heatwave, "\nSeven.\n");
    });
    await fullBuild(async () => {
      await writeFile(snapshotFile().replace(".site.v8", ".site-inputs.v8"), "not a snapshot either");
      await appendFile(heatwave, "\nSeven and a half.\n");
    });
    await fullBuild(async () => {
      await rm(snapshotFile());
      await appendFile(heatwave, "\nEight.\n");
    });
  });
});

describe("the zone's offsets", () => {
  // A resumed build shows times with the offsets of the site's zone that the snapshot's build found: Intl's
  // first question in a process loads ICU's zone data (~20 ms of a body edit's build). Only with the same data.
  it("are the snapshot's when the zone data is the one they were found with, and asked again otherwise", async () => {
    await rebuild({ noCache: true });
    const inputs = path.join(root, ".broadsheet-cache", "public.site-inputs.v8");
    const stored = deserialize(await readFile(inputs)) as { read: { offsets: { zone: string; tz: string; pairs: Float64Array } } };
    const { offsets } = stored.read;
    expect(offsets.zone).toBe("Asia/Baku");
    // Every story's time, at +04:00 (240 minutes).
    expect(new Set(offsets.pairs.filter((_, i) => i % 2 === 1))).toEqual(new Set([240]));
    // Offsets an hour off, as another tz database could give them.
    const shifted = (tz: string) => serialize({ ...stored, read: { ...stored.read, offsets: { ...offsets, tz, pairs: offsets.pairs.map((v, i) => (i % 2 === 1 ? v + 60 : v)) } } });
    const page = async () => [...(await readFile(path.join(out, "world/heatwave-europe/index.html"), "utf8")).matchAll(/datetime="[^"]+([+-]\d\d:\d\d)"/g)].map((m) => m[1]);

    // Other zone data: not taken.
    await writeFile(inputs, shifted("other"));
    await appendFile(article("world/heatwave-europe.md"), "\nOne more correction.\n");
    const other = await rebuild();
    expect(other.first).toBe("resume (1 body edited)");
    await expectSameAsCold(other.result);
    expect(new Set(await page())).toEqual(new Set(["+04:00"]));

    // This zone data: taken (the edited page shows its times, and its lists', at the offsets given).
    await writeFile(inputs, shifted(offsets.tz));
    await appendFile(article("world/heatwave-europe.md"), "\nAnd another.\n");
    expect((await rebuild()).first).toBe("resume (1 body edited)");
    expect(new Set(await page())).toEqual(new Set(["+05:00"]));
    await rebuild({ noCache: true });
  });
});
