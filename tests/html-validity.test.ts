import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles, urlToFile, type BuiltSite } from "./helpers.js";
import { buildDemo, buildFixture, samplePages, type PageType } from "./support/sites.js";
import { checkHtml, type VnuMessage } from "./support/vnu.js";

// Nu HTML Checker (the W3C validator's engine) on every page type of the demo site and the fixtures.
// One JVM start for all files: vnu takes a few seconds to boot on a busy machine.

const sites: { name: string; site: BuiltSite; pages: Map<PageType, string> }[] = [];
let errors: VnuMessage[] = [];
/** Redirect pages (an article's `aliases`) have no body class: found by their meta refresh. */
const redirects: string[] = [];

beforeAll(async () => {
  for (const [name, build] of [
    ["demo", buildDemo],
    ["newsroom", () => buildFixture("newsroom")],
    ["lead-image", () => buildFixture("lead-image")],
  ] as const) {
    const site = await build();
    sites.push({ name, site, pages: await samplePages(site.out) });
  }
  // One page may stand for two types (an article with an image and without a dek): check it once.
  const files = new Set(sites.flatMap(({ site, pages }) => [...pages.values()].map((url) => path.join(site.out, urlToFile(url)))));
  for (const { site } of sites) {
    for (const file of (await listFiles(site.out)).filter((f) => f.endsWith(".html"))) {
      const abs = path.join(site.out, file);
      if ((await readFile(abs, "utf8")).includes('http-equiv="refresh"')) {
        redirects.push(abs);
        break;
      }
    }
  }
  errors = await checkHtml([...files, ...redirects]);
}, 300_000);

afterAll(async () => {
  await Promise.all(sites.map(({ site }) => site.cleanup()));
});

describe("Nu HTML Checker", () => {
  it("checks every page type across the demo and the fixtures", () => {
    const covered = new Set(sites.flatMap(({ pages }) => [...pages.keys()]));
    expect([...covered].sort()).toEqual(
      [
        "404",
        "All news last page",
        "All news page 1",
        "article with dek",
        "article with image",
        "article without dek",
        "author",
        "category page 1",
        "category page 2",
        "home",
        "static page",
        "tag",
      ].sort(),
    );
  });

  it("checks a redirect page too (the demo retitled a story)", () => {
    expect(redirects.length).toBeGreaterThan(0);
  });

  it("finds 0 errors", () => {
    const shown = errors.map((e) => `${e.file}:${e.line ?? "?"} ${e.message}${e.extract ? ` [${e.extract.trim()}]` : ""}`);
    expect(shown).toEqual([]);
  });
});
