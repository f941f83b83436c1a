import { cp, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../src/cli.js";
import { CAP_FROM_FILES, OutOfMemoryError, buildWithHeapCap, wantsHeapCap } from "../src/cli/heap-cap.js";
import { cli } from "./cli-spawn.js";
import { FIXTURE_NOW, ROOT, fixture } from "./helpers.js";

// `build` and `check` run the pipeline in a heap-capped worker when the site is big (BROADSHEET_CAP_FROM=0
// makes every site "big") unless a heap size was chosen; a build with nothing to do never starts it. Either
// way the user must see the same words.

// The capped worker's entry is counted (and runs as it is): which builds and checks go there is what is tested.
vi.mock("../src/cli/heap-cap.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../src/cli/heap-cap.js")>();
  return { ...actual, buildWithHeapCap: vi.fn(actual.buildWithHeapCap) };
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "broadsheet-cap-"));
  await cp(fixture("newsroom"), path.join(dir, "content"), { recursive: true });
  await cp(path.join(ROOT, "templates"), path.join(dir, "templates"), { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const UNCAPPED = { NODE_OPTIONS: "--max-old-space-size=1024" };
const CAPPED = { BROADSHEET_CAP_FROM: "0" };
const withoutTime = (text: string) => text.replace(/ in \d+ ms/, " in N ms").replace(/\(\d+ ms\)/, "(N ms)");

/** Modification time of every file under `root`, by path. */
async function times(root: string): Promise<Record<string, number>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return Object.fromEntries(await Promise.all(files.map(async (f) => [path.relative(root, f), (await stat(f)).mtimeMs] as const)));
}

describe("the heap-capped build", () => {
  it("is for big builds, or of unknown size, unless a heap size was chosen", () => {
    expect(wantsHeapCap([], {}, 35)).toBe(false);
    expect(wantsHeapCap([], {}, CAP_FROM_FILES - 1)).toBe(false);
    expect(wantsHeapCap([], {}, CAP_FROM_FILES)).toBe(true);
    expect(wantsHeapCap([], {})).toBe(true);
    expect(wantsHeapCap([], CAPPED, 35)).toBe(true);
    expect(wantsHeapCap([], { BROADSHEET_CAP_FROM: "100" }, 99)).toBe(false);
    expect(wantsHeapCap([], { BROADSHEET_CAP_FROM: "100" }, 100)).toBe(true);
    expect(wantsHeapCap([], { BROADSHEET_CAP_FROM: "abc" }, 35)).toBe(false);
    expect(wantsHeapCap([], { BROADSHEET_CAP_FROM: "" }, CAP_FROM_FILES)).toBe(true);
    expect(wantsHeapCap([], UNCAPPED, CAP_FROM_FILES)).toBe(false);
    expect(wantsHeapCap(["--max-old-space-size=4096"], CAPPED)).toBe(false);
  });

  it("says the same after a build with nothing to do, and writes nothing", async () => {
    const first = await cli(dir, ["build"], CAPPED);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Built \d+ files \(30 articles\) into public\/ in \d+ ms\nnext scheduled: /);
    const before = await times(path.join(dir, "public"));
    const again = await cli(dir, ["build"]);
    expect({ ...again, stdout: withoutTime(again.stdout) }).toEqual({ ...first, stdout: withoutTime(first.stdout) });
    expect(await times(path.join(dir, "public"))).toEqual(before);
  });

  it("checks a small site in this thread, and a big one (every one, with BROADSHEET_CAP_FROM=0) in the worker", async () => {
    const check = async (env: NodeJS.ProcessEnv) => {
      const said: string[] = [];
      const io = { out: { write: (t: string) => said.push(t) }, err: { write: (t: string) => said.push(t) }, env: { ...env, SOURCE_DATE_EPOCH: String(FIXTURE_NOW / 1000) } };
      const code = await main(["check", "--content", path.join(dir, "content"), "--templates", path.join(dir, "templates")], io);
      return { code, said: withoutTime(said.join("")) };
    };
    const capped = vi.mocked(buildWithHeapCap);
    capped.mockClear();
    const here = await check({});
    expect(capped).not.toHaveBeenCalled();
    expect(here).toEqual({ code: 0, said: "Checked 30 articles: no errors (N ms)\n" });
    expect(await check(CAPPED)).toEqual(here);
    expect(capped).toHaveBeenCalledTimes(1);
    expect(await check({ BROADSHEET_CAP_FROM: "36" })).toEqual(here);
    expect(capped).toHaveBeenCalledTimes(2);
  });

  it("reports the mistakes a check finds in the worker exactly as without the cap", async () => {
    await writeFile(path.join(dir, "content/articles/broken.md"), "---\ntitle: Broken story\ncategory: poltics\ndate: 2024-07-01\n---\nBody.\n");
    try {
      for (const format of ["text", "json", "github"]) {
        const capped = await cli(dir, ["check", "--format", format], CAPPED);
        expect(capped.code).toBe(1);
        expect(capped.stdout + capped.stderr).toMatch(/unknown category \\?"poltics/);
        expect(await cli(dir, ["check", "--format", format], UNCAPPED)).toEqual(capped);
        expect(await cli(dir, ["check", "--format", format])).toEqual(capped);
      }
      const build = await cli(dir, ["build"], CAPPED);
      expect(build.code).toBe(1);
      expect(build.stderr).toContain("Build failed: 1 error, 0 warnings; nothing was written.");
      expect(await cli(dir, ["build"], UNCAPPED)).toEqual(build);
      expect(await cli(dir, ["build"])).toEqual(build);
    } finally {
      await rm(path.join(dir, "content/articles/broken.md"));
    }
  });

  it("stops a build that outgrows its heap with an out-of-memory error, which the CLI explains instead of crashing", async () => {
    const options = { contentDir: path.join(dir, "content"), templatesDir: path.join(dir, "templates"), outDir: "public", now: FIXTURE_NOW, dryRun: true };
    await expect(buildWithHeapCap(options, 2)).rejects.toBeInstanceOf(OutOfMemoryError);
    expect(await buildWithHeapCap(options)).toMatchObject({ ok: true, articles: 30, diagnostics: [] });
  });
});
