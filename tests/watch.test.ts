import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { watchFolders } from "../src/dev/watch.js";

// The watching of the content and templates by `dev`.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Watches `folder`; `next()` is the next batch of changed files. */
function watcher(folder: string) {
  const batches: string[][] = [];
  let wake = () => {};
  const stop = watchFolders([folder], (files) => {
    batches.push(files);
    wake();
  });
  cleanups.push(async () => stop());
  return {
    batches,
    async next(timeoutMs = 20_000): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      while (batches.length === 0) {
        if (Date.now() > deadline) throw new Error("no change reported");
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return batches.shift()!;
    },
  };
}

async function tempFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-watch-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("watching the content", () => {
  it("reports a change to a thousand files at once (a git pull) as one batch naming each", async () => {
    const dir = await tempFolder();
    const files: string[] = [];
    for (const month of ["01", "02", "03"]) {
      await mkdir(path.join(dir, "articles", month), { recursive: true });
      for (let i = 0; i < 400; i++) files.push(path.join(dir, "articles", month, `story-${i}.md`));
    }
    for (const file of files) await writeFile(file, "x");
    const watch = watcher(dir);
    const later = new Date(Date.now() + 60_000);
    for (const file of files) await utimes(file, later, later);
    expect(await watch.next()).toEqual([...files].sort());
  });

  it("watches folders made after it started, and one removed and made again", async () => {
    const dir = await tempFolder();
    const watch = watcher(dir);
    await mkdir(path.join(dir, "articles", "2031"), { recursive: true });
    expect(await watch.next()).toContain(path.join(dir, "articles"));
    await sleep(100);
    await writeFile(path.join(dir, "articles", "2031", "new.md"), "x");
    expect(await watch.next()).toEqual([path.join(dir, "articles", "2031", "new.md")]);
    await rm(path.join(dir, "articles"), { recursive: true });
    await watch.next();
    await mkdir(path.join(dir, "articles", "2031"), { recursive: true });
    await watch.next();
    await sleep(100);
    await writeFile(path.join(dir, "articles", "2031", "again.md"), "x");
    expect(await watch.next()).toEqual([path.join(dir, "articles", "2031", "again.md")]);
  });

  it("ignores what editors leave behind (swap, backup and hidden files)", async () => {
    const dir = await tempFolder();
    await mkdir(path.join(dir, "articles"));
    const watch = watcher(dir);
    for (const name of [".story.md.swp", "story.md~", ".DS_Store", "story.md.tmp"]) await writeFile(path.join(dir, "articles", name), "x");
    await writeFile(path.join(dir, "articles", "story.md"), "x");
    expect(await watch.next()).toEqual([path.join(dir, "articles", "story.md")]);
  });
});
