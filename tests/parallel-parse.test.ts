import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "../src/build.js";
import { loadContent } from "../src/content/load-content.js";
import { holdsBodies } from "../src/content/body-file.js";
import { openParseCache } from "../src/content/parse-cache.js";
import { inputStamp } from "../src/content/input-stamp.js";
import { openSecondThread } from "../src/parallel/second-thread.js";
import { loadConfig } from "../src/config/load-config.js";
import { readAhead, validateContent } from "../src/validate/validate-content.js";
import { FIXTURE_NOW, TEMPLATES, fixture, listFiles } from "./helpers.js";
import { BENCH_NOW, generateNewsroom } from "./bench/generate.js";
import { cli } from "./cli-spawn.js";

// Front matter is parsed on two threads when there are many files: the documents and the problems found must
// be the same as on one thread, whichever thread read which file.

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "broadsheet-parse-"));
  await cp(fixture("newsroom"), root, { recursive: true });
  // A broken file among the last ones, which the worker thread reads.
  await writeFile(path.join(root, "articles/zz-broken.md"), "---\ntitle: [unclosed\ncategory: world\n---\nBody.\n");
  await writeFile(path.join(root, "articles/zz-latin1.md"), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xe9, 0x0a]));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const plain = (docs: Awaited<ReturnType<typeof loadContent>>) => ({
  articles: docs.articles.map((d) => ({ file: d.file, name: d.name, value: d.data.value, positions: d.data.positions, body: d.body, bodyLine: d.bodyLine, source: d.source })),
  pages: docs.pages.map((d) => ({ file: d.file, value: d.data.value, body: d.body })),
  diagnostics: docs.diagnostics,
});

describe("parsing on two threads", () => {
  it("gives the same documents and diagnostics as one thread", async () => {
    const alone = plain(await loadContent(root, undefined, { parallelFrom: Infinity }));
    const shared = plain(await loadContent(root, undefined, { parallelFrom: 0 }));
    expect(shared).toEqual(alone);
    expect(alone.diagnostics.map((d) => [d.code, path.basename(d.file)])).toEqual([
      ["yaml-syntax", "zz-broken.md"],
      ["not-utf8", "zz-latin1.md"],
    ]);
    expect(alone.articles.length).toBeGreaterThan(20);
  });
});

describe("bodies", () => {
  // Read with the front matter, on either thread, and kept for the build: rendering a page reads no file again.
  it("are the ones read when the files were parsed, on one thread or two, up to holdsBodies' limit", async () => {
    for (const parallelFrom of [Infinity, 0]) {
      const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-bodies-"));
      try {
        await cp(root, dir, { recursive: true });
        // Held as the files' bytes: not for a file whose text is not its bytes (CR line ends, a BOM), read again.
        await writeFile(path.join(dir, "articles/zz-crlf.md"), "---\r\ntitle: CRLF\r\ncategory: world\r\n---\r\nLine one.\r\nLine \u00e9.\r\n");
        await writeFile(path.join(dir, "articles/zz-bom.md"), "\ufeff---\ntitle: BOM\ncategory: world\n---\nBody \u00e9 after a BOM.\n");
        const loaded = await loadContent(dir, undefined, { parallelFrom });
        const bodies = loaded.articles.map((d) => d.body);
        expect(bodies.filter((body) => body.trim() !== "").length).toBeGreaterThan(20);
        const byName = (name: string) => bodies[loaded.articles.findIndex((d) => d.name === name)];
        expect([byName("zz-crlf"), byName("zz-bom")]).toEqual(["Line one.\nLine \u00e9.\n", "Body \u00e9 after a BOM.\n"]);
        await rm(path.join(dir, "articles"), { recursive: true });
        expect(loaded.articles.map((d) => (d.name === "zz-crlf" || d.name === "zz-bom" ? "" : d.body))).toEqual(bodies.map((body, i) => (["zz-crlf", "zz-bom"].includes(loaded.articles[i]!.name) ? "" : body)));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    expect([holdsBodies(10_000), holdsBodies(10_001)]).toEqual([true, false]);
  });
});

describe("articles told as they are parsed", () => {
  // A build reads (validates) each article as soon as it is parsed (readAhead in src/validate/validate-content.ts).
  it("are each article once, never a page, the documents loading returns, with the media files, on one thread or two", async () => {
    for (const parallelFrom of [Infinity, 0]) {
      const told: [object, readonly string[]][] = [];
      const loaded = await loadContent(root, undefined, { parallelFrom, parsedArticle: (doc, media) => told.push([doc, media]) });
      expect(new Set(told.map(([doc]) => doc))).toEqual(new Set(loaded.articles));
      expect(told.length).toBe(loaded.articles.length);
      for (const [, media] of told) expect(media).toEqual(loaded.media);
    }
  });

  it("are read to the same articles and problems, in file order, as reading them all after loading", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-read-ahead-"));
    try {
      await cp(root, dir, { recursive: true });
      await writeFile(path.join(dir, "articles/aa-unknown.md"), "---\ntitle: First\ncategory: wrold\ndate: 2024-07-05 17:38\nlayout: wide\n---\nBody.\n");
      await writeFile(path.join(dir, "articles/zz-late.md"), "---\ntitle: Last\ncategory: world\ndate: 2024-13-05 17:38\n---\nBody.\n");
      const config = (await loadConfig(dir)).config!;
      const plainRead = validateContent(await loadContent(dir, undefined, { parallelFrom: Infinity }), config);
      const ahead = readAhead();
      ahead.settings(config);
      const content = await loadContent(dir, undefined, { parallelFrom: 0, parsedArticle: ahead.parsed });
      expect(ahead.memo.size).toBe(content.articles.length);
      const early = validateContent(content, config, { memo: ahead.memo });
      expect(early.diagnostics).toEqual(plainRead.diagnostics);
      expect(early.articles.map((a) => [a.file, a.slug, a.date])).toEqual(plainRead.articles.map((a) => [a.file, a.slug, a.date]));
      expect(early.diagnostics.map((d) => [d.code, path.basename(d.file)])).toEqual([
        ["unknown-field", "aa-unknown.md"],
        ["unknown-category", "aa-unknown.md"],
        ["invalid-date", "zz-late.md"],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("files handed to the second thread ahead", () => {
  // A cold build hands its second thread the last stories as soon as the stamp check has listed them (see
  // earlySecondThread in src/cli/build-command.ts), before the loading asks for them.
  it("are parsed there once, and loading gives the same documents and diagnostics as one thread", async () => {
    const alone = plain(await loadContent(root, undefined, { parallelFrom: Infinity }));
    const thread = openSecondThread();
    try {
      const files = alone.articles.slice(-5).map((d) => d.file).concat(["zz-broken.md", "zz-latin1.md"].map((name) => path.join(root, "articles", name)));
      const ahead: [string, string][] = files.map((file) => [path.resolve(file), file]);
      thread.parseAhead(ahead, true);
      const sent: string[] = [];
      const parse = thread.parse;
      const shared = plain(await loadContent(root, undefined, { parallelFrom: 0, second: { ...thread, parse: (chunk, withBodies) => (sent.push(...chunk.map(([abs]) => abs)), parse(chunk, withBodies)) } }));
      expect(shared).toEqual(alone);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.filter((abs) => ahead.some(([given]) => given === abs))).toEqual([]);
      // Each outcome is taken once.
      expect(ahead.map(([abs]) => thread.parsedAhead(abs))).toEqual(ahead.map(() => undefined));
    } finally {
      await thread.close();
    }
  });
});

describe("a cold build of a big site from the command line", () => {
  // Its second thread is opened once the stamp check has listed the files, and is handed the last stories to
  // parse at once (earlySecondThread): the site is the one a single thread builds, byte for byte.
  it("builds the site one thread builds", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-parse-cli-"));
    try {
      const { content } = await generateNewsroom(dir, 1100, { seed: 11 });
      const env = { SOURCE_DATE_EPOCH: String(BENCH_NOW / 1000) };
      const run = await cli(dir, ["build", "--content", content, "--templates", TEMPLATES, "--out", path.join(dir, "two"), "--no-cache", "--quiet"], env);
      expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
      const one = await build({ contentDir: content, templatesDir: TEMPLATES, outDir: path.join(dir, "one"), now: BENCH_NOW, noCache: true, workerThreshold: Infinity });
      expect(one.ok).toBe(true);
      const bytes = async (out: string) => new Map(await Promise.all((await listFiles(out)).map(async (f) => [f, (await readFile(path.join(out, f))).toString("base64")] as const)));
      const [two, alone] = [await bytes(path.join(dir, "two")), await bytes(path.join(dir, "one"))];
      expect(two.size).toBeGreaterThan(1100);
      expect(two).toEqual(alone);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/**
 * A build of the fixture newsroom (with `broken`, a file that fails it) on two threads, as for a big site
 * (workerThreshold 0: the second thread is opened before the files are read, and renders pages); whether it
 * succeeded, and whether the parse cache it left holds a good story when it returns.
 */
async function buildAndLookInCache(broken?: string): Promise<{ ok: boolean; cached: boolean }> {
  const site = await mkdtemp(path.join(tmpdir(), "broadsheet-parse-cache-"));
  try {
    const content = path.join(site, "content");
    await cp(fixture("newsroom"), content, { recursive: true });
    if (broken !== undefined) await writeFile(path.join(content, "articles/zz-broken.md"), broken);
    const built = await build({ contentDir: content, templatesDir: TEMPLATES, outDir: path.join(site, "public"), now: FIXTURE_NOW, workerThreshold: 0 });
    const cache = openParseCache(path.join(site, ".broadsheet-cache"), content, { fresh: false });
    const info = await stat(path.join(content, "articles/world/heatwave-europe.md"));
    return { ok: built.ok, cached: cache.byStat("articles/world/heatwave-europe.md", info.size, info.mtimeMs) !== undefined };
  } finally {
    await rm(site, { recursive: true, force: true });
  }
}

describe("a build on two threads that fails", () => {
  it("keeps what it parsed, so the build after the fix parses only the fixed file", async () => {
    expect(await buildAndLookInCache("---\ntitle: [unclosed\ncategory: world\n---\nBody.\n")).toEqual({ ok: false, cached: true });
  });
});

describe("the parse cache", () => {
  it("is saved by a build whose second thread renders pages, before the build returns", async () => {
    // The cache is saved while the second thread renders (see renderAndWrite).
    expect(await buildAndLookInCache()).toEqual({ ok: true, cached: true });
  });

  it("keeps only what JSON keeps as it is: a front matter with .nan is read again, not taken back as null", async () => {
    const site = await mkdtemp(path.join(tmpdir(), "broadsheet-parse-nan-"));
    const content = path.join(site, "content");
    await mkdir(path.join(content, "articles"), { recursive: true });
    await writeFile(path.join(content, "articles/odd.md"), "---\ntitle: .nan\n---\nBody.\n");
    await writeFile(path.join(content, "articles/plain.md"), "---\ntitle: Plain\n---\nBody.\n");
    const cacheDir = path.join(site, ".broadsheet-cache");
    const load = async () => {
      const cache = openParseCache(cacheDir, content, { fresh: false });
      const docs = await loadContent(content, cache);
      await cache.save();
      return { titles: docs.articles.map((d) => [path.basename(d.file), (d.data.value as { title: unknown }).title]), cache };
    };
    expect((await load()).titles).toEqual([["odd.md", NaN], ["plain.md", "Plain"]]);
    const again = await load();
    expect(again.titles).toEqual([["odd.md", NaN], ["plain.md", "Plain"]]);
    const cached = openParseCache(cacheDir, content, { fresh: false });
    const at = async (name: string) => stat(path.join(content, "articles", name));
    expect(cached.byStat("articles/plain.md", (await at("plain.md")).size, (await at("plain.md")).mtimeMs)).toBeDefined();
    expect(cached.byStat("articles/odd.md", (await at("odd.md")).size, (await at("odd.md")).mtimeMs)).toBeUndefined();
    await rm(site, { recursive: true, force: true });
  });
});

describe("a cold build's second thread", () => {
  // A build that reads every file opens its second thread as soon as the stamp check's walk has been through the
  // content folder (see earlySecondThread in src/cli/build-command.ts), before it compares the stamp.
  it("is told the content files, with their sizes, as the walk found them", async () => {
    const content = await mkdtemp(path.join(tmpdir(), "broadsheet-listed-"));
    try {
      await mkdir(path.join(content, "articles"));
      await Promise.all(["a", "b", "c"].map((name) => writeFile(path.join(content, "articles", `${name}.md`), name.repeat(3))));
      const told: string[][] = [];
      const { stats } = await inputStamp(content, TEMPLATES, {}, undefined, undefined, (files) => told.push([...files]));
      expect(told).toEqual([["articles/a.md", "articles/b.md", "articles/c.md"]]);
      expect(stats().get(path.join(content, "articles", "a.md"))?.size).toBe(3);
    } finally {
      await rm(content, { recursive: true, force: true });
    }
  });
});
