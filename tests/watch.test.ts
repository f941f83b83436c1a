import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, cp, link, mkdir, mkdtemp, readFile, rename, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { build, type BuildOptions } from "../src/build.js";
import { stampSettings, walkedStamp } from "../src/build-stamp.js";
import { inputStamp, keepInputWalks } from "../src/content/input-stamp.js";
import { watchFolders } from "../src/dev/watch.js";
import { keepManifests } from "../src/write/manifest.js";
import { keepSnapshots, prefetchSnapshot } from "../src/write/site-snapshot.js";
import { FIXTURE_NOW, ROOT, TEMPLATES, expectSameAsColdBuild, fixture, listFiles } from "./helpers.js";
import { GOOD, article, writeSmallSite, type SmallSite } from "./small-site.js";

// The watching that `dev` and `build --watch` share, and `build --watch` itself, run as editors run it.

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

  it("goes on through what it cannot ask about: a link loop, a folder replaced by a file", async () => {
    const dir = await tempFolder();
    await mkdir(path.join(dir, "articles", "old"), { recursive: true });
    await writeFile(path.join(dir, "articles", "old", "a.md"), "x");
    const watch = watcher(dir);
    await symlink("loop", path.join(dir, "articles", "loop"));
    expect(await watch.next()).toEqual([path.join(dir, "articles", "loop")]);
    await rm(path.join(dir, "articles", "old"), { recursive: true });
    await writeFile(path.join(dir, "articles", "old"), "now a file");
    expect(await watch.next()).toContain(path.join(dir, "articles", "old"));
    await writeFile(path.join(dir, "articles", "story.md"), "x");
    expect(await watch.next()).toEqual([path.join(dir, "articles", "story.md")]);
  });

  it("does not follow a link to a folder elsewhere", async () => {
    const dir = await tempFolder();
    const elsewhere = await tempFolder();
    await mkdir(path.join(dir, "media"));
    const watch = watcher(dir);
    await symlink(elsewhere, path.join(dir, "media", "linked"));
    expect(await watch.next()).toEqual([path.join(dir, "media", "linked")]);
    await writeFile(path.join(elsewhere, "outside.jpg"), "x");
    await sleep(200);
    await writeFile(path.join(dir, "media", "inside.jpg"), "x");
    expect(await watch.next()).toEqual([path.join(dir, "media", "inside.jpg")]);
  });

  it("reports the folder going away, and watches it again when it is back", async () => {
    const parent = await tempFolder();
    const dir = path.join(parent, "content");
    await mkdir(path.join(dir, "articles"), { recursive: true });
    const watch = watcher(dir);
    await rename(dir, path.join(parent, "content.old"));
    expect(await watch.next()).toContain(dir);
    await rename(path.join(parent, "content.old"), dir);
    expect(await watch.next()).toContain(dir);
    await sleep(100);
    await writeFile(path.join(dir, "articles", "story.md"), "x");
    expect(await watch.next()).toEqual([path.join(dir, "articles", "story.md")]);
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

/** `broadsheet build --watch` in `site.root`, on the real clock; `line(re)` waits for an output line. */
function startWatch(site: SmallSite, flags: string[] = []) {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "bin/broadsheet.js"), "build", "--watch", "--templates", TEMPLATES, ...flags], {
    cwd: site.root,
    env: { ...process.env, SOURCE_DATE_EPOCH: "", NO_COLOR: "1" },
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  cleanups.push(async () => {
    child.kill("SIGKILL");
    await exited;
  });
  let seenOut = 0;
  let seenErr = 0;
  return {
    /** The first line from here on of stdout (or stderr) that matches. */
    async line(re: RegExp, stream: "out" | "err" = "out", timeoutMs = 30_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = stream === "out" ? out.slice(seenOut) : err.slice(seenErr);
        const lines = text.split("\n");
        lines.pop(); // not finished yet
        let used = 0;
        for (const l of lines) {
          used += l.length + 1;
          if (re.test(l)) {
            if (stream === "out") seenOut += used;
            else seenErr += used;
            return l;
          }
        }
        if (Date.now() > deadline) throw new Error(`no line ${re} in:\n${stream === "out" ? out : err}`);
        await sleep(25);
      }
    },
    output: () => ({ out, err }),
    /** Its exit code, once it has ended by itself. */
    exited: () => exited,
    /** Until neither stream has grown for `quietMs` (a build's --timings reach stderr after its summary line). */
    async settled(quietMs = 300): Promise<void> {
      let last = "";
      for (let now = out + err; now !== last; now = out + err) {
        last = now;
        await sleep(quietMs);
      }
    },
    stop: async () => {
      child.kill("SIGINT");
      return exited;
    },
  };
}

/** "2024-07-05 17:38:45" for an instant, in Europe/Berlin (the small site's zone). */
function berlin(instant: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

describe("broadsheet build --watch", () => {
  it("builds again on every change, reports mistakes without touching the site, publishes a story when it is due, and stops on Ctrl-C", { timeout: 90_000 }, async () => {
    const due = Math.ceil(Date.now() / 1000) * 1000 + 12_000; // front matter times are in whole seconds
    const site = await writeSmallSite({ "articles/soon.md": article(`title: Soon to be published\ncategory: world\ndate: ${berlin(due)}`) });
    cleanups.push(() => site.cleanup());
    const watch = startWatch(site, ["--timings"]);
    expect(await watch.line(/^Built \d+ files \(1 article\) into public\/ in \d+ ms$/)).toBeTruthy();
    expect(await watch.line(/^next scheduled: content\/articles\/soon\.md at /)).toBeTruthy();
    expect(await watch.line(/^Watching content\/ and .*templates\/ for changes \(Ctrl-C to stop\)$/)).toBeTruthy();
    const page = path.join(site.out, "politics", "ok", "index.html");
    const soon = path.join(site.out, "world", "soon", "index.html");
    expect(existsSync(page)).toBe(true);
    expect(existsSync(soon)).toBe(false);

    // A body edited: built again, the page has the new text.
    await writeFile(path.join(site.content, "articles", "ok.md"), `${GOOD}\nA paragraph added while watching.\n`);
    expect(await watch.line(/^\d\d:\d\d:\d\d Built \d+ files \(1 article\) into public\/ in \d+ ms after a change to content\/articles\/ok\.md, \d+ written$/)).toBeTruthy();
    expect(await readFile(page, "utf8")).toContain("<p>A paragraph added while watching.</p>");
    // From the site the watch read ahead once idle after its first build, not from the snapshot's file.
    expect(await watch.line(/^  resume \(1 body edited, the site kept in memory\): \d+ ms$/, "err")).toBeTruthy();

    // A mistake: reported as file:line with a hint; the site stays as it was.
    const before = await Promise.all((await listFiles(site.out)).map(async (f) => [f, await readFile(path.join(site.out, f), "utf8")]));
    await writeFile(path.join(site.content, "articles", "ok.md"), article("title: A fine story\ncategory: nowhere\ndate: 2024-07-01 10:00"));
    expect(await watch.line(/^\d\d:\d\d:\d\d Build failed after a change to content\/articles\/ok\.md: 1 error, 0 warnings; nothing was written\.$/, "err")).toBeTruthy();
    expect(watch.output().err).toMatch(/content\/articles\/ok\.md:3:\d+/);
    const after = await Promise.all((await listFiles(site.out)).map(async (f) => [f, await readFile(path.join(site.out, f), "utf8")]));
    expect(after).toEqual(before);

    // Fixed: built again.
    await writeFile(path.join(site.content, "articles", "ok.md"), GOOD);
    expect(await watch.line(/ Built \d+ files \(1 article\) into public\/ in \d+ ms after a change to content\/articles\/ok\.md/)).toBeTruthy();
    expect(await readFile(page, "utf8")).not.toContain("A paragraph added while watching.");

    // The scheduled story is published at its time, with no file changed.
    expect(await watch.line(/ Built \d+ files \(2 articles\) into public\/ in \d+ ms as the clock reached a scheduled story/, "out", 40_000)).toBeTruthy();
    expect(Date.now()).toBeGreaterThanOrEqual(due);
    expect(existsSync(soon)).toBe(true);

    // Ctrl-C: stops, with nothing printed after.
    await watch.settled();
    const printed = watch.output();
    expect(await watch.stop()).toBe(0);
    expect(watch.output()).toEqual(printed);

    // What the watch wrote is what a cold build of the same content writes.
    await expectSameAsColdBuild(site.out, { contentDir: site.content, templatesDir: TEMPLATES, outDir: site.out, now: Date.now() }, path.join(site.root, "cold"));
  });
});

describe("broadsheet build --watch into a folder it must not replace", () => {
  it("says so and stops (exit 1) rather than wait for a change to the content, which could not fix it", { timeout: 30_000 }, async () => {
    const site = await writeSmallSite({});
    cleanups.push(() => site.cleanup());
    await mkdir(path.join(site.root, "docs"));
    await writeFile(path.join(site.root, "docs", "notes.md"), "mine");
    const watch = startWatch(site, ["--out", "docs"]);
    expect(await watch.line(/^Stopped watching: no change to the content or templates can fix that folder\. Fix it, then start again\.$/, "err")).toBeTruthy();
    expect(watch.output().err).toContain("holds files Broadsheet did not make (notes.md)  [out-dir-unsafe]");
    expect(watch.output().out).not.toContain("Watching");
    expect(await watch.exited()).toBe(1);
    expect(await listFiles(path.join(site.root, "docs"))).toEqual(["notes.md"]);
  });
});

describe("broadsheet build --watch while a deploy swaps the content folder", () => {
  it("fails the build made while the folder is gone, then builds it when it is back, still watching", { timeout: 30_000 }, async () => {
    const site = await writeSmallSite({});
    cleanups.push(() => site.cleanup());
    const watch = startWatch(site);
    expect(await watch.line(/^Watching content\/ and .*templates\/ for changes \(Ctrl-C to stop\)$/)).toBeTruthy();
    await rename(site.content, `${site.content}.old`);
    expect(await watch.line(/ Build failed after a change to content: 1 error, 0 warnings; nothing was written\.$/, "err")).toBeTruthy();
    expect(watch.output().err).toContain("[content-missing]");
    await rename(`${site.content}.old`, site.content);
    expect(await watch.line(/ Built \d+ files \(1 article\) into public\/ in \d+ ms after a change to content/)).toBeTruthy();
    expect(watch.output().err).not.toContain("Stopped watching");
    await watch.settled();
    expect(await watch.stop()).toBe(0);
  });
});

describe("broadsheet build --watch and changes its watcher does not report", () => {
  it("finds them by walking the files once idle, and builds them", { timeout: 60_000 }, async () => {
    const site = await writeSmallSite({ "articles/two.md": article("title: The second story\ncategory: world\ndate: 2024-07-02 10:00") });
    cleanups.push(() => site.cleanup());
    // A hard link from a folder no watcher looks at: a change made through it is reported by none.
    const elsewhere = path.join(await tempFolder(), "ok.md");
    await link(path.join(site.content, "articles", "ok.md"), elsewhere);
    const watch = startWatch(site);
    expect(await watch.line(/^Watching content\//)).toBeTruthy();
    await writeFile(elsewhere, `${GOOD}\nChanged where no watcher looks.\n`);
    // The change the watcher reports is built from its report alone (its files asked again, not every file) ...
    await appendFile(path.join(site.content, "articles", "two.md"), "\nA line added.\n");
    expect(await watch.line(/ Built \d+ files \(2 articles\) into public\/ in \d+ ms after a change to content\/articles\/two\.md, \d+ written$/)).toBeTruthy();
    // ... and the walk that checks it once idle finds the other.
    expect(await watch.line(/ Built \d+ files \(2 articles\) into public\/ in \d+ ms after changes the watcher did not report, \d+ written$/)).toBeTruthy();
    expect(await readFile(path.join(site.out, "politics", "ok", "index.html"), "utf8")).toContain("<p>Changed where no watcher looks.</p>");
    expect(await watch.stop()).toBe(0);
    await expectSameAsColdBuild(site.out, { contentDir: site.content, templatesDir: TEMPLATES, outDir: site.out, now: Date.now() }, path.join(site.root, "cold"));
  });
});

describe("the inputs' stamp from a walk once idle (build --watch)", () => {
  it("lets the watcher's reports in while it walks thousands of files, is a walk's stamp, and stops at the first", async () => {
    const content = await tempFolder();
    await mkdir(path.join(content, "articles"));
    await Promise.all(Array.from({ length: 2500 }, (_, i) => writeFile(path.join(content, "articles", `a${i}.md`), `${i}`)));
    const options: BuildOptions = { contentDir: content, templatesDir: TEMPLATES, outDir: path.join(content, "..", "out"), now: FIXTURE_NOW };
    const { stamp } = await inputStamp(content, TEMPLATES, stampSettings(options));
    /** The walk's stamp, and whether a report (a callback queued before it) came in while it walked. */
    const check = async (stopAtReport: boolean) => {
      let ended = false;
      let reported = false;
      setImmediate(() => (reported = !ended));
      const walked = await walkedStamp(options, () => !(stopAtReport && reported));
      ended = true;
      return { walked, reported };
    };
    expect(await check(false)).toEqual({ walked: stamp, reported: true });
    expect(await check(true)).toEqual({ walked: undefined, reported: true });
  });
});

describe("the inputs' stamp from a watcher's reports (build --watch)", () => {
  it("asks only the reported files when they are files it listed, walks again otherwise, and is always a walk's stamp", async () => {
    keepInputWalks();
    const site = await writeSmallSite({ "articles/two.md": article("title: The second story\ncategory: world\ndate: 2024-07-02 10:00") });
    cleanups.push(() => site.cleanup());
    const articles = path.join(site.content, "articles");
    const ok = path.join(articles, "ok.md");
    const settings = { a: "test" };
    /** The stamp from `reported`, checked against a walk (which the next call then starts from). */
    const stampFrom = async (reported: string[]) => {
      const fromReports = await inputStamp(site.content, TEMPLATES, settings, reported);
      const walked = await inputStamp(site.content, TEMPLATES, settings);
      expect(walked.byEvents).toBe(false);
      expect(fromReports.stamp).toBe(walked.stamp);
      expect([...fromReports.stats()].sort()).toEqual([...walked.stats()].sort());
      return fromReports;
    };
    const first = await inputStamp(site.content, TEMPLATES, settings, [ok]);
    expect(first.byEvents).toBe(false); // nothing walked yet

    // An edit, a temp file gone already, nothing at all (the clock): the files reported are asked again.
    await appendFile(ok, "\nEdited.\n");
    await utimes(ok, new Date(2030, 0, 1), new Date(2030, 0, 1));
    const edited = await stampFrom([ok]);
    expect(edited.byEvents).toBe(true);
    expect(edited.stamp).not.toBe(first.stamp);
    expect((await stampFrom([path.join(articles, ".ok.md.swp"), path.join(articles, "ok.md.tmp.123")])).byEvents).toBe(true);
    expect((await stampFrom([])).byEvents).toBe(true);

    // A file added or removed, a folder, a link in the tree, other settings: walked again.
    const added = path.join(articles, "new.md");
    await writeFile(added, article("title: New\ncategory: world\ndate: 2024-07-03 10:00"));
    expect((await stampFrom([added])).byEvents).toBe(false);
    await rm(added);
    expect((await stampFrom([added])).byEvents).toBe(false);
    await mkdir(path.join(articles, "2024"));
    await writeFile(path.join(articles, "2024", "in.md"), article("title: In\ncategory: world\ndate: 2024-07-04 10:00"));
    expect((await stampFrom([path.join(articles, "2024")])).byEvents).toBe(false);
    await rm(path.join(articles, "2024"), { recursive: true });
    expect((await stampFrom([path.join(articles, "2024")])).byEvents).toBe(false);
    expect((await inputStamp(site.content, TEMPLATES, { other: true }, [ok])).byEvents).toBe(false);
    await symlink(ok, path.join(articles, "linked.md"));
    expect((await stampFrom([path.join(articles, "linked.md")])).byEvents).toBe(false);
    await appendFile(ok, "\nThrough the link too.\n");
    expect((await stampFrom([ok])).byEvents).toBe(false);
    await rm(path.join(articles, "linked.md"));
    expect((await stampFrom([path.join(articles, "linked.md")])).byEvents).toBe(false);

    // A file reported in one burst whose folder is a file (or a link loop) by the next: walked, not thrown.
    await mkdir(path.join(articles, "extra"));
    const inside = path.join(articles, "extra", "x.md");
    await writeFile(inside, article("title: Extra\ncategory: world\ndate: 2024-07-05 10:00"));
    expect((await stampFrom([path.join(articles, "extra")])).byEvents).toBe(false);
    await appendFile(inside, "\nEdited.\n");
    await rm(path.join(articles, "extra"), { recursive: true });
    await writeFile(path.join(articles, "extra"), "now a file\n");
    expect((await stampFrom([inside, path.join(articles, "extra")])).byEvents).toBe(false);
    await rm(path.join(articles, "extra"));
    await symlink("extra", path.join(articles, "extra"));
    expect((await stampFrom([inside])).byEvents).toBe(false);
  });

  it("walks every file when the templates folder is inside the content folder (each template is listed twice)", async () => {
    keepInputWalks();
    const site = await writeSmallSite({});
    cleanups.push(() => site.cleanup());
    const theme = path.join(site.content, "theme");
    await cp(TEMPLATES, theme, { recursive: true });
    const layout = path.join(theme, "layout.eta");
    await inputStamp(site.content, theme, {});
    await appendFile(layout, "\n");
    const fromReports = await inputStamp(site.content, theme, {}, [layout]);
    expect(fromReports.byEvents).toBe(false);
    expect(fromReports.stamp).toBe((await inputStamp(site.content, theme, {})).stamp);
  });
});

describe("broadsheet build --watch on a site with no story published yet", () => {
  it("publishes the first story when it is due", { timeout: 60_000 }, async () => {
    const due = Math.ceil(Date.now() / 1000) * 1000 + 6_000;
    const site = await writeSmallSite({ "articles/ok.md": null, "articles/soon.md": article(`title: The first story\ncategory: world\ndate: ${berlin(due)}`) });
    cleanups.push(() => site.cleanup());
    const watch = startWatch(site);
    expect(await watch.line(/^Built \d+ files \(0 articles\) into public\/ in \d+ ms$/)).toBeTruthy();
    expect(await watch.line(/ Built \d+ files \(1 article\) into public\/ in \d+ ms as the clock reached a scheduled story/, "out", 30_000)).toBeTruthy();
    expect(existsSync(path.join(site.out, "world", "soon", "index.html"))).toBe(true);
    expect(await watch.stop()).toBe(0);
  });
});

describe("builds that follow one another in one thread, as under build --watch", () => {
  it("resume from the site they kept, and write what a cold build writes", { timeout: 60_000 }, async () => {
    keepSnapshots();
    keepManifests();
    const root = await tempFolder();
    const content = path.join(root, "content");
    await cp(fixture("newsroom"), content, { recursive: true });
    const options: BuildOptions = { contentDir: content, templatesDir: TEMPLATES, outDir: path.join(root, "public"), now: FIXTURE_NOW };
    const story = path.join(content, "articles", "world", "heatwave-europe.md");
    const other = path.join(content, "articles", "economy", "tourism-season.md");
    const original = await readFile(story, "utf8");
    const body = "resume (1 body edited, the site kept in memory)";
    const front = "resume (1 front matter edited, the site kept in memory)";
    const steps: [string, () => Promise<unknown>, string][] = [
      ["a body edited", () => appendFile(story, "\nA correction was added.\n"), body],
      ["another", () => appendFile(other, "\nHotels are full.\n"), body],
      ["the first again", () => appendFile(story, "\nAnd another.\n"), body],
      ["the first as it was", () => writeFile(story, original), body],
      // The site in memory has the new headline: the same file back as it was must bring the old one back.
      ["a headline edited", () => writeFile(story, original.replace("title: Heatwave grips", "title: Heat grips")), front],
      ["the headline as it was", () => writeFile(story, original), front],
      ["a category changed", async () => writeFile(other, (await readFile(other, "utf8")).replace("category: economy", "category: world")), "load"],
      ["a body after that", () => appendFile(story, "\nOnce more.\n"), body],
      ["and another", () => appendFile(other, "\nStill full.\n"), body],
    ];
    expect((await build({ ...options, noCache: true })).ok).toBe(true);
    // As the watch's worker does once idle after each build: a full build's snapshot is read ahead.
    prefetchSnapshot(options.outDir);
    for (const [step, change, first] of steps) {
      await change();
      const result = await build(options);
      const stage = result.stages[0]![0];
      // Every resumed build, the first after a full build too, finds the site in memory.
      expect([step, result.ok, first === "load" ? stage.split(" ")[0] : stage]).toEqual([step, true, first]);
      await expectSameAsColdBuild(options.outDir, options, path.join(root, "cold"));
      prefetchSnapshot(options.outDir);
    }
  });
});
