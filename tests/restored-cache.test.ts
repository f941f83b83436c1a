import { execFile } from "node:child_process";
import { appendFile, cp, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type BuildOptions } from "../src/build.js";
import { checkStamp } from "../src/build-stamp.js";
import { openSecondThread } from "../src/parallel/second-thread.js";
import { hashBytes, loadManifest } from "../src/write/manifest.js";
import { previousBytes } from "../src/write/previous-page.js";
import { snapshot } from "./bench/measure.js";
import { FIXTURE_NOW, ROOT, TEMPLATES, expectSameAsColdBuild, fixture, listFiles } from "./helpers.js";

// A CI runner builds from a fresh checkout every time (every content file has a new time, Broadsheet is compiled
// anew) and can restore the last build's output folder and cache folder from its own cache, as the shipped
// workflow does: a new folder, holding the files of the last build. The build checks the files it would keep
// against the cache, and writes only what changed since, and what is missing or damaged in the folder.

let root: string;
const options = (): BuildOptions => ({
  contentDir: path.join(root, "content"),
  templatesDir: path.join(root, "templates"),
  outDir: path.join(root, "public"),
  now: FIXTURE_NOW,
});

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "broadsheet-restored-"));
  await cp(TEMPLATES, path.join(root, "templates"), { recursive: true });
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Builds, and returns the output files that were written (new inode or mtime) or removed. */
async function rebuild(extra: Partial<BuildOptions> = {}): Promise<string[]> {
  const out = path.join(root, "public");
  const before = await snapshot(out);
  const result = await build({ ...options(), ...extra });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const after = await snapshot(out);
  const changed = [...after].filter(([file, id]) => before.get(file) !== id).map(([file]) => file);
  const removed = [...before.keys()].filter((file) => !after.has(file));
  return [...changed, ...removed].sort();
}

/** What the runner does: a fresh checkout of the content, then the output and cache folders saved last time. */
async function freshCheckoutWith(saved: string): Promise<void> {
  for (const folder of ["content", "public", ".broadsheet-cache"]) await rm(path.join(root, folder), { recursive: true, force: true });
  await cp(fixture("newsroom"), path.join(root, "content"), { recursive: true });
  await cp(path.join(saved, "public"), path.join(root, "public"), { recursive: true });
  await cp(path.join(saved, ".broadsheet-cache"), path.join(root, ".broadsheet-cache"), { recursive: true });
}

describe("a build from a restored output folder and cache", () => {
  let saved: string;
  beforeAll(async () => {
    await cp(fixture("newsroom"), path.join(root, "content"), { recursive: true });
    expect((await build({ ...options(), noCache: true })).ok).toBe(true);
    saved = path.join(root, "saved");
    await cp(path.join(root, "public"), path.join(saved, "public"), { recursive: true });
    await cp(path.join(root, ".broadsheet-cache"), path.join(saved, ".broadsheet-cache"), { recursive: true });
  });

  // A big site's build has the second thread load the manifest and check the files, while this one reads the content.
  for (const [name, extra] of [["in one thread", () => ({})], ["with the second thread checking the folder", () => ({ second: openSecondThread() })]] as const) {
    it(`writes only the pages of what changed, and the files missing or damaged in the folder (${name})`, async () => {
      await freshCheckoutWith(saved);
      // Nothing changed: every file holds.
      expect(await rebuild(extra())).toEqual([]);

      await freshCheckoutWith(saved);
      // The push: a correction to one story. And a folder restored imperfectly: a page edited, a page lost, one
      // format of a feed damaged.
      await appendFile(path.join(root, "content/articles/world/heatwave-europe.md"), "\nA correction was added.\n");
      await writeFile(path.join(root, "public/about/index.html"), "<p>edited by hand</p>");
      await rm(path.join(root, "public/economy/index.html"));
      await writeFile(path.join(root, "public/economy/atom.xml"), "");
      expect(await rebuild(extra())).toEqual([
        "about/index.html", "atom.xml", "economy/atom.xml", "economy/index.html", "feed.json", "feed.xml",
        "world/atom.xml", "world/feed.json", "world/feed.xml", "world/heatwave-europe/index.html",
      ]);
      await expectSameAsColdBuild(path.join(root, "public"), options(), path.join(root, "cold"));

      // The cache now describes this folder: the next build has nothing to do.
      expect((await checkStamp(options())).unchanged).toBeDefined();
      expect(await rebuild(extra())).toEqual([]);
    });
  }
});

describe("a restored folder's page, checked once", () => {
  it("is not hashed again while it is as the check saw it, and is as soon as it changed", async () => {
    const folder = path.join(root, "seen");
    await cp(fixture("newsroom"), path.join(folder, "content"), { recursive: true });
    const out = path.join(folder, "public");
    expect((await build({ ...options(), contentDir: path.join(folder, "content"), outDir: out, noCache: true })).ok).toBe(true);
    // Restored as a CI runner does: another folder, with the same files.
    await cp(out, `${out}.restored`, { recursive: true });
    await rm(out, { recursive: true });
    await cp(`${out}.restored`, out, { recursive: true });
    const manifest = (await loadManifest(out))!;
    expect(manifest.rehomed).toBe(true);
    const page = "about/index.html";
    const seen = manifest.verified?.[page];
    expect(seen).toBeDefined();
    const bytes = previousBytes(out, page, manifest.files[page]!.hash, seen);
    expect(bytes?.toString()).toContain("<html");
    // Seen as checked, the bytes are taken as those the check hashed (a wrong hash given shows it).
    expect(previousBytes(out, page, "not its hash", seen)?.equals(bytes!)).toBe(true);
    // Edited since the check: hashed again, and refused.
    await appendFile(path.join(out, page), "<!-- edited by hand -->");
    expect(previousBytes(out, page, manifest.files[page]!.hash, seen)).toBeUndefined();
    // Written back as it was (another change time): hashed again, and taken.
    await writeFile(path.join(out, page), bytes!);
    expect(previousBytes(out, page, manifest.files[page]!.hash, seen)?.equals(bytes!)).toBe(true);
    expect(hashBytes(bytes!)).toBe(manifest.files[page]!.hash);
  });
});

describe("Broadsheet compiled anew", () => {
  it("keeps the cache: its identity is the bytes of its code, not their times", async () => {
    const run = promisify(execFile);
    // Two installs of the same code, made at different times: what a CI runner compiles on each run. The first
    // has new file times, and so hashes its files; the second has the times `npm run compile` recorded with the
    // bundle's digest (dist/bundle/identity.json), and takes that digest.
    const installs = [path.join(root, "tool-a"), path.join(root, "tool-b")];
    for (const [i, install] of installs.entries()) {
      await cp(path.join(ROOT, "bin"), path.join(install, "bin"), { recursive: true });
      await cp(path.join(ROOT, "dist", "bundle"), path.join(install, "dist", "bundle"), { recursive: true, preserveTimestamps: i === 1 });
      await cp(path.join(ROOT, "package.json"), path.join(install, "package.json"));
      await symlink(path.join(ROOT, "node_modules"), path.join(install, "node_modules"));
    }
    const site = path.join(root, "site");
    await cp(fixture("newsroom"), path.join(site, "content"), { recursive: true });
    const buildWith = (install: string) =>
      run(process.execPath, [path.join(install, "bin", "broadsheet.js"), "build", "--templates", TEMPLATES], {
        cwd: site,
        env: { ...process.env, SOURCE_DATE_EPOCH: String(FIXTURE_NOW / 1000), NO_COLOR: "1" },
      });
    await buildWith(installs[0]!);
    const before = await snapshot(path.join(site, "public"));
    // A fresh checkout: every content file gets a new time, so the build runs (and finds nothing to write).
    const later = new Date(FIXTURE_NOW + 60_000);
    for (const file of await listFiles(path.join(site, "content"))) await utimes(path.join(site, "content", file), later, later);
    await buildWith(installs[1]!);
    const after = await snapshot(path.join(site, "public"));
    expect([...after].filter(([file, id]) => before.get(file) !== id)).toEqual([]);
    // And a change to the code makes the next build cold, recorded digest or not.
    await appendFile(path.join(installs[1]!, "dist", "bundle", "cli.cjs"), "\n// another version\n");
    await buildWith(installs[1]!);
    const cold = await snapshot(path.join(site, "public"));
    expect([...cold].filter(([file, id]) => after.get(file) === id)).toEqual([]);
  });
});
