import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { buildSite, fixture, listFiles, ROOT, type BuiltSite } from "../helpers.js";

// The sites the browser and validator gates look at: the repo's demo newsroom (content/) when the
// checkout has one, and the fixtures that hold the page types the demo may lack (a category page 2,
// a lead image, an article without a dek).

/** The demo's clock: after every demo story of November 2026, before the one scheduled for 2027. */
export const DEMO_NOW = Date.UTC(2026, 11, 31, 0, 0, 0);

export const DEMO_CONTENT = path.join(ROOT, "content");

/** The demo newsroom built into a temp folder, or the fixture newsroom when content/ is absent. */
export async function buildDemo(): Promise<BuiltSite> {
  if (existsSync(path.join(DEMO_CONTENT, "site.yml"))) return checked(await buildSite(DEMO_CONTENT, { now: DEMO_NOW }));
  return checked(await buildSite(fixture("newsroom")));
}

export async function buildFixture(name: string): Promise<BuiltSite> {
  return checked(await buildSite(fixture(name)));
}

function checked(site: BuiltSite): BuiltSite {
  if (!site.result.ok) {
    const errors = site.result.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`).join("\n");
    throw new Error(`build failed:\n${errors}`);
  }
  return site;
}

export type PageType =
  | "home"
  | "article with dek"
  | "article without dek"
  | "article with image"
  | "category page 1"
  | "category page 2"
  | "author"
  | "tag"
  | "All news page 1"
  | "All news last page"
  | "static page"
  | "404";

/**
 * One URL for each page type the site has, found by reading the built pages (their body class and
 * markup), so the samples follow whatever content the demo holds.
 */
export async function samplePages(out: string): Promise<Map<PageType, string>> {
  const found = new Map<PageType, string>([["home", "/"], ["404", "/404.html"]]);
  const html = (await listFiles(out)).filter((f) => f.endsWith(".html"));
  const take = (type: PageType, url: string) => {
    if (!found.has(type)) found.set(type, url);
  };
  const archivePages = html.filter((f) => /^news\/(page\/\d+\/)?index\.html$/.test(f)).sort(byPageNumber);
  if (archivePages.length > 0) {
    take("All news page 1", "/news/");
    take("All news last page", fileToUrl(archivePages.at(-1)!));
  }
  for (const file of html) {
    const text = await readFile(path.join(out, file), "utf8");
    const kind = /<body class="page-([a-zA-Z]+)/.exec(text)?.[1];
    const url = fileToUrl(file);
    if (kind === "article") {
      if (text.includes('class="lead-image')) take("article with image", url);
      if (/<p class="dek">/.test(text)) take("article with dek", url);
      else take("article without dek", url);
    } else if (kind === "category") {
      take(/\/page\/2\/index\.html$/.test(file) ? "category page 2" : "category page 1", url);
    } else if (kind === "author" && !file.includes("/page/")) take("author", url);
    else if (kind === "tag" && !file.includes("/page/")) take("tag", url);
    else if (kind === "page") take("static page", url);
  }
  return found;
}

function fileToUrl(file: string): string {
  return `/${file.replace(/index\.html$/, "")}`;
}

function byPageNumber(a: string, b: string): number {
  const n = (f: string) => Number(/page\/(\d+)\//.exec(f)?.[1] ?? 1);
  return n(a) - n(b);
}
