import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { BENCH_NOW, CATEGORIES, generateNewsroom, makeArticle } from "./bench/generate.js";
import { buildSite, type BuiltSite } from "./helpers.js";

// Keeps the benchmark's generator honest: its corpus must be valid content that builds, or
// `npm run bench` would measure a failing build.

const dirs: string[] = [];
const sites: BuiltSite[] = [];
afterAll(async () => {
  await Promise.all(sites.map((s) => s.cleanup()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

it("generates a newsroom that builds without a warning", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-bench-test-"));
  dirs.push(dir);
  const corpus = await generateNewsroom(dir, 50, { seed: 7 });
  const site = await buildSite(corpus.content, { now: BENCH_NOW });
  sites.push(site);
  expect(site.result.diagnostics).toEqual([]);
  expect(site.result.index?.articles).toHaveLength(50);
  expect([...site.result.index!.byCategory.keys()]).toEqual(CATEGORIES);
  const newest = makeArticle(49, 7);
  const $ = await site.page(`/${newest.category}/${newest.slug}/`);
  expect($("h1").text()).toBe(newest.title);
  expect($(".read-also .item-title")).toHaveLength(6);
});

it("is deterministic for a seed", () => {
  expect(makeArticle(12, 3)).toEqual(makeArticle(12, 3));
  expect(makeArticle(12, 3)).not.toEqual(makeArticle(12, 4));
  const words = makeArticle(5, 1).body.split(/\s+/).filter((w) => /\w/.test(w) && !w.startsWith("#")).length;
  expect(words).toBeGreaterThanOrEqual(600);
});
