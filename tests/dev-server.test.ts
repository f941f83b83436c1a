import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import path from "node:path";
import { load } from "cheerio";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_NOW } from "./helpers.js";
import { BIN, newsroomCopy } from "./cli-spawn.js";

// `broadsheet dev` as an editor runs it: a real process on a free port, driven over HTTP.

let dir: string;
let server: ChildProcess;
let base: string;
let output = "";
const reloads: string[] = [];
let onReload: (() => void) | undefined;
let events: AbortController;

beforeAll(async () => {
  dir = await newsroomCopy();
  // detached: the server gets its own process group, so afterAll can stop it and anything it started.
  server = spawn(process.execPath, [BIN, "dev", "--port", "0"], {
    cwd: dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, SOURCE_DATE_EPOCH: String(FIXTURE_NOW / 1000), NO_COLOR: "1" },
  });
  server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  base = await new Promise<string>((resolve, reject) => {
    const seek = () => {
      const found = /^Serving (http:\/\/127\.0\.0\.1:\d+\/)/m.exec(output);
      if (found) resolve(found[1]!);
    };
    server.stdout!.on("data", seek);
    server.once("exit", (code) => reject(new Error(`dev server exited with ${code}:\n${output}`)));
  });
  await subscribe();
});

afterAll(async () => {
  events?.abort();
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    process.kill(-server.pid!, "SIGTERM");
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

/** Listens to the reload channel the injected script uses, recording each event's data. */
async function subscribe(): Promise<void> {
  events = new AbortController();
  const res = await fetch(new URL("__broadsheet/events", base), { signal: events.signal });
  expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (message.startsWith("event: reload\n")) {
          reloads.push(message.split("\ndata: ")[1]!);
          onReload?.();
        }
      }
    }
  })();
}

/**
 * Changes a file, then waits for reload events until `url` shows what `done` looks for (a save can
 * reach the watcher as several events, hence possibly several rebuilds). Returns the last event's data.
 */
async function editAndWaitForReload(file: string, edit: (text: string) => string, url: string, done: (p: Served) => boolean): Promise<string> {
  let seen = reloads.length;
  const abs = path.join(dir, file);
  await writeFile(abs, edit(await readFile(abs, "utf8")));
  for (;;) {
    if (reloads.length === seen) await new Promise<void>((resolve) => (onReload = resolve));
    seen = reloads.length;
    if (done(await page(url))) return reloads.at(-1)!;
  }
}

interface Served {
  status: number;
  type: string | null;
  html: string;
}

async function page(url: string): Promise<Served> {
  const res = await fetch(new URL(url, base), { redirect: "manual" });
  return { status: res.status, type: res.headers.get("content-type"), html: await res.text() };
}

/** A request with the path sent as written (fetch would normalise the dots away). */
function rawStatus(rawPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(new URL(base), { path: rawPath }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on("error", reject);
  });
}

const ARTICLE = "content/articles/2024/07/budget-vote-delayed.md";
const URL_OF_ARTICLE = "/politics/budget-vote-delayed/";

describe("broadsheet dev", () => {
  it("serves the site with pretty URLs, the 404 page, content types, and the reload script", async () => {
    const home = await page("/");
    expect(home.status).toBe(200);
    expect(home.type).toBe("text/html; charset=utf-8");
    expect(home.html).toContain('new EventSource("/__broadsheet/events")');

    const article = await page("/politics/budget-vote-delayed/");
    expect(load(article.html)("h1").text()).toBe("Budget vote delayed again");
    expect(load(article.html)('link[rel="canonical"]').attr("href")).toBe(`${base}politics/budget-vote-delayed/`);

    const noSlash = await page("/politics/budget-vote-delayed");
    expect(noSlash.status).toBe(301);
    const missing = await page("/no/such/page/");
    expect(missing.status).toBe(404);
    expect(load(missing.html)("h1").text()).toBe("Page not found");

    const css = load(home.html)('link[rel="stylesheet"]').attr("href")!;
    expect((await page(css)).type).toBe("text/css; charset=utf-8");
    expect(await rawStatus("/../../../../etc/passwd")).toBe(404);
    expect(await rawStatus("/%2e%2e/%2e%2e/%2e%2e/etc/passwd")).toBe(404);
  });

  it("shows drafts and scheduled articles, marked as such", async () => {
    const draft = load((await page("/analytics/unfinished-analysis/")).html);
    expect(draft(".article.is-draft .badge").text()).toBe("Draft");
    const scheduled = load((await page("/economy/new-year-outlook/")).html);
    expect(scheduled(".article.is-scheduled .badge-scheduled").text()).toBe("Scheduled");
  });

  it("rebuilds when an article changes and tells open tabs to reload", async () => {
    const event = await editAndWaitForReload(ARTICLE, (text) => text.replace(/^title: .*$/m, "title: Budget vote moved to spring"), URL_OF_ARTICLE, (p) =>
      p.html.includes("<h1>Budget vote moved to spring</h1>"),
    );
    expect(JSON.parse(event)).toEqual({ ok: true });
    const $ = load((await page("/politics/budget-vote-delayed/")).html);
    expect($("h1").text()).toBe("Budget vote moved to spring");
    expect($(".latest-news").text()).toContain("Budget vote moved to spring");
  });

  it("serves an edited body at once, in the page and the feeds, and the earlier text again when the edit is undone", async () => {
    const original = await readFile(path.join(dir, ARTICLE), "utf8");
    await editAndWaitForReload(ARTICLE, (text) => `${text}\nA paragraph added by the desk.\n`, URL_OF_ARTICLE, (p) => p.html.includes("<p>A paragraph added by the desk.</p>"));
    expect(output).toMatch(/Built \d+ files \(\d+ articles\) in \d+ ms after a change to content\/articles\/2024\/07\/budget-vote-delayed\.md/);
    expect((await page("/feed.xml")).html).toContain("A paragraph added by the desk.");
    await editAndWaitForReload(ARTICLE, () => original, URL_OF_ARTICLE, (p) => !p.html.includes("A paragraph added by the desk."));
    expect((await page("/feed.xml")).html).not.toContain("A paragraph added by the desk.");
  });

  it("serves the variants of a picture added while it runs", async () => {
    const original = await readFile(path.join(dir, ARTICLE), "utf8");
    await mkdir(path.join(dir, "content/media"), { recursive: true });
    await sharp({ create: { width: 900, height: 600, channels: 3, background: "#3a6ea5" } }).jpeg().toFile(path.join(dir, "content/media/dev-photo.jpg"));
    await editAndWaitForReload(ARTICLE, (text) => `${text}\n![The harbour at dawn](/media/dev-photo.jpg)\n`, URL_OF_ARTICLE, (p) => p.html.includes("dev-photo-"));
    const $ = load((await page(URL_OF_ARTICLE)).html);
    const urls = [...$(".article-body picture source").map((_, el) => $(el).attr("srcset")!.split(", ").map((c) => c.split(" ")[0]!)).get(), $(".article-body picture img").attr("src")!];
    expect(urls.length).toBeGreaterThan(3);
    for (const url of urls) {
      const served = await fetch(new URL(url, base));
      expect([url, served.status, served.headers.get("content-type")?.split("/")[0]]).toEqual([url, 200, "image"]);
    }
    await editAndWaitForReload(ARTICLE, () => original, URL_OF_ARTICLE, (p) => !p.html.includes("dev-photo-"));
  });

  it("serves the error instead of pages while the front matter is broken, stays up, and recovers", async () => {
    const broken = await editAndWaitForReload(ARTICLE, (text) => text.replace(/^category: politics$/m, "category: [politics"), "/", (p) => p.status === 500);
    expect(JSON.parse(broken)).toEqual({ ok: false });
    for (const url of ["/", "/politics/budget-vote-delayed/", "/no/such/page/"]) {
      const overlay = await page(url);
      expect(overlay.status).toBe(500);
      const $ = load(overlay.html);
      expect($("#broadsheet-error-overlay h1").text()).toBe("The site could not be built");
      expect($("pre").text()).toContain(`${ARTICLE}:`);
      expect($("pre").text()).toContain("[yaml-syntax]");
      expect($("pre").text()).toContain("category: [politics");
      expect(overlay.html).toContain('new EventSource("/__broadsheet/events")');
    }
    expect(server.exitCode).toBeNull();
    expect(output).toContain("Build failed after a change to content/articles/2024/07/budget-vote-delayed.md");

    const fixed = await editAndWaitForReload(ARTICLE, (text) => text.replace(/^category: \[politics$/m, "category: politics"), "/", (p) => p.status === 200);
    expect(JSON.parse(fixed)).toEqual({ ok: true });
    const recovered = await page("/politics/budget-vote-delayed/");
    expect(recovered.status).toBe(200);
    expect(load(recovered.html)("h1").text()).toBe("Budget vote moved to spring");
  });

  it("rebuilds when a template changes", async () => {
    await editAndWaitForReload("templates/404.eta", (text) => text.replace("<h1>Page not found</h1>", "<h1>Nothing here</h1>"), "/gone/", (p) =>
      p.html.includes("<h1>Nothing here</h1>"),
    );
    expect((await page("/gone/")).status).toBe(404);
  });

  it("escapes what it shows in the error page", async () => {
    await editAndWaitForReload(ARTICLE, (text) => text.replace(/^category: politics$/m, "category: <script>alert(1)</script>"), "/", (p) => p.status === 500);
    const overlay = await page("/");
    expect(overlay.html).not.toContain("<script>alert(1)</script>");
    expect(load(overlay.html)("pre").text()).toContain('unknown category "<script>alert(1)</script>"');
    const fixed = await editAndWaitForReload(ARTICLE, (text) => text.replace(/^category: .*$/m, "category: politics"), "/", (p) => p.status === 200);
    expect(JSON.parse(fixed)).toEqual({ ok: true });
  });
});
