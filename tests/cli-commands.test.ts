import { existsSync } from "node:fs";
import { lstat, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { load } from "cheerio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles } from "./helpers.js";
import { cli, newsroomCopy } from "./cli-spawn.js";

let dir: string;
beforeAll(async () => {
  dir = await newsroomCopy();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const html = async (out: string, url: string) => load(await readFile(path.join(dir, out, url, "index.html"), "utf8"));

describe("broadsheet --help and --version", () => {
  it("prints the version from package.json", async () => {
    const pkg = JSON.parse(await readFile(path.join(import.meta.dirname, "../package.json"), "utf8")) as { version: string };
    expect(await cli(dir, ["--version"])).toEqual({ code: 0, stdout: `broadsheet ${pkg.version}\n`, stderr: "" });
  });

  it("lists the commands, and every command has its own help", async () => {
    const general = await cli(dir, ["--help"]);
    expect(general.code).toBe(0);
    for (const name of ["build", "check", "new", "dev"]) expect(general.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    for (const name of ["build", "check", "new", "dev"]) {
      const help = await cli(dir, [name, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: broadsheet ${name} `));
      expect(help.stdout).toContain("--help");
    }
    expect((await cli(dir, ["check", "--help"])).stdout).toContain("--format FORMAT   text (default), json, or github");
  });

  it("exits 2 on a usage error and says what was wrong", async () => {
    const unknown = await cli(dir, ["publish"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('broadsheet: unknown command "publish"');
    const flag = await cli(dir, ["build", "--frobnicate"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^broadsheet build: Unknown option '--frobnicate'/);
    expect((await cli(dir, ["check", "--format", "xml"])).stderr).toContain('unknown --format "xml": use text, json, github');
    // A bad --base-url is the command line's mistake, not site.yml's baseUrl it replaces.
    const base = await cli(dir, ["build", "--base-url", "notaurl"]);
    expect(base.code).toBe(2);
    expect(base.stderr).toContain('--base-url must be an absolute http(s) address, not "notaurl"');
    expect(base.stderr).not.toContain("site.yml");
    expect((await cli(dir, ["build", "--base-url", "https://x.example/#top"])).code).toBe(2);
    expect(existsSync(path.join(dir, "public"))).toBe(false);
  });
});

describe("broadsheet build", () => {
  it("ends with one summary line and the next scheduled article in the site zone", async () => {
    const result = await cli(dir, ["build"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(
      /^Built \d+ files \(30 articles\) into public\/ in \d+ ms\nnext scheduled: content\/articles\/future\/new-year-outlook\.md at 2031-01-01 10:00 \(Asia\/Baku\)\n$/,
    );
    expect(await listFiles(path.join(dir, "public"))).toContain("politics/budget-vote-delayed/index.html");
    expect((await cli(dir, ["build", "--quiet"])).stdout).toBe("");
  });

  it("keeps drafts and scheduled articles out of every file unless --drafts / --future", async () => {
    await cli(dir, ["build", "--out", "plain"]);
    const texts = await Promise.all((await listFiles(path.join(dir, "plain"))).map((f) => readFile(path.join(dir, "plain", f), "utf8")));
    for (const text of texts) {
      expect(text).not.toContain("__broadsheet"); // the dev server's reload script
      expect(text).not.toContain("Outlook for 2031");
      expect(text).not.toContain("new-year-outlook");
      expect(text).not.toContain("Unfinished analysis");
    }

    const drafts = await cli(dir, ["build", "--out", "with-drafts", "--drafts"]);
    expect(drafts.stdout).toMatch(/\(31 articles\) into with-drafts\//);
    const draft = await html("with-drafts", "analytics/unfinished-analysis");
    expect(draft(".article.is-draft .badge").text()).toBe("Draft");
    expect(existsSync(path.join(dir, "with-drafts/economy/new-year-outlook"))).toBe(false);

    const future = await cli(dir, ["build", "--out", "with-future", "--future"]);
    expect(future.stdout).toMatch(/^Built \d+ files \(31 articles\) into with-future\/ in \d+ ms\n$/); // nothing left to schedule
    const scheduled = await html("with-future", "economy/new-year-outlook");
    expect(scheduled("h1").text()).toBe("Outlook for 2031");
    expect(scheduled(".article.is-scheduled .badge-scheduled").text()).toBe("Scheduled");
    expect((await html("with-future", "economy"))(".is-scheduled .item-title").text()).toBe("Outlook for 2031");
    expect(existsSync(path.join(dir, "with-future/analytics/unfinished-analysis"))).toBe(false);
  });

  it("writes canonical URLs on the host given by --base-url", async () => {
    await cli(dir, ["build", "--out", "staging", "--base-url", "https://staging.example/preview/"]);
    const $ = await html("staging", "politics/budget-vote-delayed");
    expect($('link[rel="canonical"]').attr("href")).toBe("https://staging.example/preview/politics/budget-vote-delayed/");
    expect($(".site-title").attr("href")).toBe("/preview/");
    const plain = await html("public", "politics/budget-vote-delayed");
    expect(plain('link[rel="canonical"]').attr("href")).toBe("https://fixture.example/politics/budget-vote-delayed/");
  });
});

describe("broadsheet build --out LINK", () => {
  it("builds into the folder a symbolic link names, and leaves the link as it is", async () => {
    expect((await cli(dir, ["build", "--out", "linked-site"])).code).toBe(0);
    await symlink("linked-site", path.join(dir, "site-link"));
    const built = await cli(dir, ["build", "--out", "site-link", "--no-cache"]);
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^Built \d+ files \(30 articles\) into site-link\/ in \d+ ms/);
    expect((await lstat(path.join(dir, "site-link"))).isSymbolicLink()).toBe(true);
    expect(existsSync(path.join(dir, "linked-site", "index.html"))).toBe(true);
  });
});

describe("broadsheet check", () => {
  const broken = "---\ntitle: \"Broken, story: 100%\"\nslug: broken\ncategory: poltics\ndate: 2024-07-02 10:00\n---\nBody.\n";

  it("exits 0 and writes nothing when the content is right, in every format", async () => {
    const before = await readdir(dir);
    expect(await cli(dir, ["check"])).toMatchObject({ code: 0, stderr: "" });
    expect((await cli(dir, ["check"])).stdout).toMatch(/^Checked 30 articles: no errors \(\d+ ms\)\n$/);
    expect(await cli(dir, ["check", "--format", "github"])).toEqual({ code: 0, stdout: "Checked 30 articles: no errors\n", stderr: "" });
    const json = await cli(dir, ["check", "--format", "json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, errors: 0, warnings: 0, articles: 30, diagnostics: [] });
    expect(await readdir(dir)).toEqual(before);
  });

  it("exits 1 on a mistake, as text, JSON and GitHub annotations", async () => {
    // A comma and a percent sign in the file name: GitHub's property escaping must keep the annotation parseable.
    const file = path.join(dir, "content/articles/broken,100%.md");
    await writeFile(file, broken);
    try {
      const text = await cli(dir, ["check"]);
      expect(text.code).toBe(1);
      expect(text.stderr).toContain('content/articles/broken,100%.md:4:11  category  error: unknown category "poltics"  [unknown-category]');
      expect(text.stderr).toContain("Check failed: 1 error, 0 warnings; nothing was written.");

      const json = await cli(dir, ["check", "--format", "json"]);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as { ok: boolean; errors: number; diagnostics: unknown[] };
      expect(report.ok).toBe(false);
      expect(report.errors).toBe(1);
      expect(report.diagnostics).toEqual([
        expect.objectContaining({ code: "unknown-category", severity: "error", file: "content/articles/broken,100%.md", line: 4, column: 11, field: "category" }),
      ]);

      const github = await cli(dir, ["check", "--format", "github"]);
      expect(github.code).toBe(1);
      const hint = JSON.parse(json.stdout).diagnostics[0].hint as string;
      expect(github.stdout).toBe(
        `::error file=content/articles/broken%2C100%25.md,line=4,col=11,title=category%3A unknown-category::unknown category "poltics"%0A${hint.replace(/%/g, "%25")}\n`,
      );
    } finally {
      await rm(file);
    }
  });
});
