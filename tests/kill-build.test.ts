import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_NOW, ROOT, TEMPLATES, listFiles } from "./helpers.js";
import { AUTHORS_YML, SITE_YML, article } from "./small-site.js";
import { writeAtomically } from "../src/write/atomic-file.js";

// Builds of a few thousand articles with the real CLI, killed with SIGKILL at several points: public/ must
// be exactly the previous build after every kill before the build's commit point, the new site once the next
// build has finished what a kill after it left, and the next build must clean what the killed one left.

const ARTICLES = 2500;
let root: string;
let content: string;
let out: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "broadsheet-kill-"));
  content = path.join(root, "content");
  out = path.join(root, "public");
  await mkdir(path.join(content, "articles"), { recursive: true });
  await writeFile(path.join(content, "site.yml"), SITE_YML);
  await writeFile(path.join(content, "authors.yml"), AUTHORS_YML);
  for (let i = 0; i < ARTICLES; i++) {
    const day = String((i % 28) + 1).padStart(2, "0");
    const fields = `title: Story number ${i}\ncategory: ${i % 3 ? "politics" : "world"}\nauthor: anna\ndate: 2024-06-${day} ${String(i % 24).padStart(2, "0")}:00\ntags: [tag-${i % 40}]`;
    await writeFile(path.join(content, "articles", `story-${i}.md`), article(fields, `Paragraph of story ${i}.\n\n${"Text. ".repeat(200)}\n`));
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

function startBuild(into = out, ...flags: string[]): { done: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, [path.join(ROOT, "bin/broadsheet.js"), "build", "--content", content, "--templates", TEMPLATES, "--out", into, "--quiet", ...flags], {
    cwd: root,
    env: { ...process.env, SOURCE_DATE_EPOCH: String(FIXTURE_NOW / 1000) },
    stdio: "ignore",
  });
  const done = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { done, kill: () => child.kill("SIGKILL") };
}

async function snapshot(dir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const file of await listFiles(dir)) hashes.set(file, createHash("sha256").update(await readFile(path.join(dir, file))).digest("hex"));
  return hashes;
}

const leftovers = async () => (await readdir(root)).filter((e) => e.startsWith("public.")).sort();
const stagingExists = async () => (await leftovers()).some((e) => e.startsWith("public.staging-"));
/** True once a staging folder appears that was not there before (the running build's, not a killed one's). */
const newStaging = (before: string[]) => async () => (await leftovers()).some((e) => e.startsWith("public.staging-") && !before.includes(e));

async function waitFor(condition: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs;
  while (performance.now() < end) {
    if (await condition()) return true;
    await sleep(2);
  }
  return false;
}

describe("a killed build", () => {
  it("leaves the previous public/ byte-identical at every kill point, and the next build cleans up", async () => {
    const sources = async () => new Map([...(await snapshot(content)), ...[...(await snapshot(TEMPLATES))].map(([f, h]) => [`templates/${f}`, h] as const)]);
    const sourcesBefore = await sources();
    const started = performance.now();
    expect(await startBuild().done).toBe(0);
    const fullMs = performance.now() - started;
    let previous = await snapshot(out);
    const first = previous;
    expect(previous.size).toBeGreaterThan(ARTICLES);

    // From now on a finished build would differ from the previous one: one more story, one changed.
    await writeFile(path.join(content, "articles", "breaking.md"), article("title: Breaking\ncategory: world\ndate: 2024-07-01 09:00"));
    // The staging folder is waited for as long as a build may take on a machine busy with other tests (the wait
    // ends when it appears): with a limit near the first build's time, every kill could miss it under load.
    const stagingLimit = Math.max(fullMs * 10, 60_000);
    const killPoints: { name: string; when: (before: string[]) => Promise<unknown> }[] = [
      { name: "while starting", when: () => sleep(30) },
      { name: "while reading and rendering", when: () => sleep(fullMs * 0.3) },
      // An incremental build applies its journal's moves to public/ after its commit point: killed there, the
      // next build finishes them (the first new file in public/ is the first move).
      { name: "as the journal is applied", when: () => waitFor(async () => existsSync(path.join(out, "world/breaking/index.html")), stagingLimit) },
      { name: "as the staging folder appears", when: (before) => waitFor(newStaging(before), stagingLimit) },
      { name: "while writing the staging folder", when: async (before) => (await waitFor(newStaging(before), stagingLimit)) && sleep(40) },
      { name: "late in writing", when: async (before) => (await waitFor(newStaging(before), stagingLimit)) && sleep(fullMs * 0.15) },
    ];
    const outcomes: string[] = [];
    let updates = 0;
    /** The site a finished cold build of the content makes, elsewhere. */
    const coldSite = async () => {
      const elsewhere = path.join(root, "cold-check");
      expect(await startBuild(elsewhere, "--no-cache").done).toBe(0);
      const site = await snapshot(elsewhere);
      await rm(elsewhere, { recursive: true, force: true });
      return site;
    };
    for (const point of killPoints) {
      const before = await leftovers();
      const run = startBuild();
      await point.when(before);
      run.kill();
      const code = await run.done;
      // Killed between the swap's two renames (a window of microseconds): the previous site waits, complete,
      // in public.previous-*, and the next build puts it back (checked by the next kill point or build).
      const aside = (await leftovers()).find((e) => e.startsWith("public.previous-"));
      const after = await snapshot(existsSync(out) || aside === undefined ? out : path.join(root, aside));
      const unchanged = after.size === previous.size && [...after].every(([file, hash]) => previous.get(file) === hash);
      if (code === null && unchanged) {
        // Killed before its commit point: public/ is the previous site.
      } else {
        // Finished before the kill, or killed after its commit point (an incremental build's journal, see
        // src/write/journal.ts): public/ holds the moves applied so far, and the journal the rest, which any
        // next build finishes first. Then public/ is the new site, whole, as a cold build of the same content
        // makes it. It is the previous site for the next kill point, whose build is given a change.
        const journal = existsSync(path.join(root, ".broadsheet-cache", "public.journal.json"));
        if (code === null && journal) expect(await startBuild().done).toBe(0);
        const made = journal ? await snapshot(out) : after;
        expect(Object.fromEntries(made), `${point.name}: the build committed (${code === null ? "killed" : "finished"})`).toEqual(Object.fromEntries(await coldSite()));
        previous = made;
        await writeFile(path.join(content, "articles", "breaking.md"), article(`title: Breaking, update ${++updates}\ncategory: world\ndate: 2024-07-01 09:00`));
      }
      const state = code !== null ? `finished (${code})` : unchanged ? "killed" : "killed after its commit";
      outcomes.push(`${point.name}: ${state}, staging left: ${await stagingExists()}`);
    }
    if (process.env.BROADSHEET_KILL_LOG) console.log(outcomes.join("\n"));
    // At least one kill landed while the staging folder was being written (it is left behind) ...
    expect(outcomes.some((o) => o.includes("killed, staging left: true")), outcomes.join("\n")).toBe(true);

    // ... and the next build removes every leftover and publishes the new story.
    expect(await startBuild().done).toBe(0);
    expect(await leftovers()).toEqual([]);
    const next = await snapshot(out);
    expect(next.has("world/breaking/index.html")).toBe(true);
    expect(next.size).toBeGreaterThan(first.size);

    await rm(path.join(content, "articles", "breaking.md"));
    expect(await sources()).toEqual(sourcesBefore);
  }, 600_000);

  it("puts back a previous site left aside by a kill between the two renames, even when the next build fails", async () => {
    if (!existsSync(out)) expect(await startBuild().done).toBe(0);
    const previous = await snapshot(out);
    // The state of a kill right after `public` was renamed aside and before the staging folder replaced it.
    await rename(out, `${out}.previous-1-abc`);
    await mkdir(`${out}.staging-1-abc/politics`, { recursive: true });
    await writeFile(path.join(content, "articles", "broken.md"), article("title: Broken\ncategory: poltics\ndate: 2024-07-01"));
    expect(await startBuild().done).toBe(1);
    expect(await leftovers()).toEqual([]);
    expect(Object.fromEntries(await snapshot(out))).toEqual(Object.fromEntries(previous));
    await rm(path.join(content, "articles", "broken.md"));
  }, 300_000);
});

describe("a cache file written by two builds of one process at once", () => {
  it("holds one of the two writes whole, and neither write fails", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-atomic-"));
    const file = path.join(dir, "content.json");
    const [a, b] = ["a".repeat(200_000), "b".repeat(300_000)];
    await Promise.all([writeAtomically(file, a), writeAtomically(file, b), writeAtomically(file, a)]);
    expect([a, b]).toContain(await readFile(file, "utf8"));
    expect(await readdir(dir)).toEqual(["content.json"]);
    await rm(dir, { recursive: true, force: true });
  });
});
