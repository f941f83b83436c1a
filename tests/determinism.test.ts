import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURE_NOW, ROOT, fixture, listFiles } from "./helpers.js";

const run = promisify(execFile);
const work: string[] = [];
afterAll(async () => Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Builds with the real executable in a child process, so TZ and locale apply from the start. */
async function buildWith(env: Record<string, string>, content = fixture("newsroom")): Promise<Map<string, string>> {
  const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-det-"));
  work.push(dir);
  const out = path.join(dir, "public");
  await run(process.execPath, [path.join(ROOT, "bin/broadsheet.js"), "build", "--content", content, "--templates", path.join(ROOT, "templates"), "--out", out, "--quiet"], {
    cwd: ROOT,
    env: { ...process.env, SOURCE_DATE_EPOCH: String(FIXTURE_NOW / 1000), ...env },
  });
  const hashes = new Map<string, string>();
  for (const file of await listFiles(out)) hashes.set(file, createHash("sha256").update(await readFile(path.join(out, file))).digest("hex"));
  return hashes;
}

describe("determinism", () => {
  it("gives byte-identical output whatever the machine's time zone and locale", async () => {
    const reference = await buildWith({ TZ: "UTC", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" });
    expect(reference.size).toBeGreaterThan(40);
    for (const env of [
      { TZ: "America/Los_Angeles", LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" },
      { TZ: "Asia/Tokyo", LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8" },
    ]) {
      expect(Object.fromEntries(await buildWith(env))).toEqual(Object.fromEntries(reference));
    }
  });

  it("gives the same output when the files come in another order", async () => {
    const reference = await buildWith({ TZ: "UTC" });
    // Renaming folders changes the order the disk lists them in, but not URLs (folders are not part of them).
    const copy = await mkdtemp(path.join(tmpdir(), "broadsheet-order-"));
    work.push(copy);
    await cp(fixture("newsroom"), copy, { recursive: true });
    const articles = path.join(copy, "articles");
    for (const [i, name] of (await readdir(articles)).sort().reverse().entries()) {
      await rename(path.join(articles, name), path.join(articles, `${String(i).padStart(2, "0")}-${name}`));
    }
    expect(Object.fromEntries(await buildWith({ TZ: "Asia/Tokyo" }, copy))).toEqual(Object.fromEntries(reference));
  });
});
