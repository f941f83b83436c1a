import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { load, type CheerioAPI } from "cheerio";
import { build, type BuildOptions, type BuildResult } from "../src/build.js";
import { expect } from "vitest";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const TEMPLATES = path.join(ROOT, "templates");
export const fixture = (name: string) => path.join(ROOT, "tests", "fixtures", name);

/** 2024-08-01T00:00:00Z: after every published fixture article, before the scheduled one (2031). */
export const FIXTURE_NOW = Date.UTC(2024, 7, 1, 0, 0, 0);

export interface BuiltSite {
  result: BuildResult;
  out: string;
  /** Parsed HTML of the page at a site URL ("/politics/x/"). */
  page(url: string): Promise<CheerioAPI>;
  text(file: string): Promise<string>;
  files(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function buildSite(contentDir: string, options: Partial<BuildOptions> = {}): Promise<BuiltSite> {
  const out = options.outDir ?? path.join(await mkdtemp(path.join(tmpdir(), "broadsheet-test-")), "public");
  const result = await build({ contentDir, templatesDir: TEMPLATES, now: FIXTURE_NOW, ...options, outDir: out });
  return {
    result,
    out,
    page: async (url) => load(await readFile(path.join(out, urlToFile(url)), "utf8")),
    text: (file) => readFile(path.join(out, file), "utf8"),
    files: () => listFiles(out),
    cleanup: () => rm(path.dirname(out), { recursive: true, force: true }),
  };
}

/** Every file of a built site, by path, as base64 of its bytes: two builds compare byte for byte. */
export async function siteBytes(built: BuiltSite): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const file of await built.files()) files.set(file, (await readFile(path.join(built.out, file))).toString("base64"));
  return files;
}

export function urlToFile(url: string): string {
  const rel = url.replace(/^\//, "").split(/[?#]/)[0]!;
  return rel === "" || rel.endsWith("/") ? `${rel}index.html` : rel;
}

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

/** Builds `options` cold into `coldDir` and expects `dir` to hold the same files, byte for byte; returns that build's result. */
export async function expectSameAsColdBuild(dir: string, options: BuildOptions, coldDir: string): Promise<BuildResult> {
  const cold = await build({ ...options, outDir: coldDir, noCache: true });
  const files = await listFiles(coldDir);
  expect(await listFiles(dir)).toEqual(files);
  for (const file of files) expect(await readFile(path.join(dir, file), "utf8"), file).toBe(await readFile(path.join(coldDir, file), "utf8"));
  await rm(coldDir, { recursive: true, force: true });
  return cold;
}
