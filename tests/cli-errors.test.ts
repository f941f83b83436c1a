import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli as run } from "./cli-spawn.js";
import { ROOT, fixture } from "./helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "broadsheet-cli-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const cli = (args: string[]) => run(dir, args);

describe("a content or templates folder that is not there, or is a file", () => {
  it("is said as such by build and check (exit 1), not as a missing site.yml, a missing template or an internal error", async () => {
    const root = path.join(dir, "folders");
    await mkdir(root);
    await writeFile(path.join(root, "afile"), "not a folder");
    const templates = path.join(ROOT, "templates");
    const content = fixture("newsroom");
    const cases: [string[], string[]][] = [
      [["--content", "afile", "--templates", templates], ["afile  -  error: the content folder afile is a file  [content-missing]"]],
      [["--content", "nothere", "--templates", templates], ["nothere  -  error: the content folder nothere is not there  [content-missing]"]],
      [["--content", content, "--templates", "nothere"], ["nothere  -  error: the templates folder nothere is not there  [templates-missing]"]],
      [["--content", "nothere", "--templates", "afile"], ["afile  -  error: the templates folder afile is a file  [templates-missing]", "nothere  -  error: the content folder nothere is not there  [content-missing]"]],
    ];
    for (const [args, said] of cases) {
      for (const command of ["build", "check"]) {
        const result = await run(root, [command, ...args]);
        expect(result.code).toBe(1);
        expect(result.stderr.split("\n").filter((l) => l.includes("error:"))).toEqual(said);
      }
    }
    expect(existsSync(path.join(root, "public"))).toBe(false);
  });
});

describe("a build with mistakes in the content", () => {
  it("names each file from the working folder, or by its full path when the content lies outside it", async () => {
    const root = path.join(dir, "names");
    const content = path.join(root, "content");
    await cp(fixture("newsroom"), content, { recursive: true });
    await mkdir(path.join(root, "elsewhere"));
    await writeFile(path.join(content, "articles/broken.md"), "---\ntitle: Broken story\ncategory: poltics\ndate: 2024-07-01\n---\nBody.\n");
    const check = async (cwd: string, contentDir: string) => (await run(cwd, ["check", "--content", contentDir, "--templates", path.join(ROOT, "templates")])).stderr.split("\n");
    const mistake = ':3:11  category  error: unknown category "poltics"  [unknown-category]';
    expect(await check(root, "./content//")).toContain(`content/articles/broken.md${mistake}`);
    expect(await check(path.join(root, "elsewhere"), "../content")).toContain(`${content}/articles/broken.md${mistake}`);
    expect(await check(path.join(content, "articles"), "..")).toContain(`broken.md${mistake}`);
  });


  it("reports every mistake with file, line and field, exits 1, and leaves the previous site untouched", async () => {
    const content = path.join(dir, "content");
    await cp(fixture("newsroom"), content, { recursive: true });
    const templates = path.join(ROOT, "templates");
    const ok = await cli(["build", "--content", "content", "--templates", templates, "--out", "public"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Built \d+ files \(30 articles\) into public\/ in \d+ ms\nnext scheduled: /);
    const before = await readFile(path.join(dir, "public/index.html"), "utf8");

    await writeFile(path.join(content, "articles/broken.md"), "---\ntitle: Broken story\ncategory: poltics\ndate: 2024-02-30 10:00\n---\nBody.\n");
    await writeFile(path.join(content, "articles/second.md"), "---\ntitle: [not, text]\ncategory: world\ndate: 2024-07-01\n---\nBody.\n");
    const bad = await cli(["build", "--content", "content", "--templates", templates, "--out", "public"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('content/articles/broken.md:3:11  category  error: unknown category "poltics"  [unknown-category]');
    expect(bad.stderr).toContain('hint: Did you mean "politics"?');
    expect(bad.stderr).toContain("content/articles/broken.md:4:7  date  error: February 2024 has no day 30  [invalid-date]");
    expect(bad.stderr).toContain("content/articles/second.md:2:8  title  error: title must be text, not a list  [field-type]");
    expect(bad.stderr).toContain("Build failed: 3 errors, 0 warnings; nothing was written.");
    expect(bad.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
    expect(await readFile(path.join(dir, "public/index.html"), "utf8")).toBe(before);
    expect(existsSync(path.join(dir, "public/politics/broken/index.html"))).toBe(false);
  });

  it("lists warnings after the build summary, and --strict makes them fail the build", async () => {
    const content = path.join(dir, "warned");
    await cp(fixture("newsroom"), content, { recursive: true });
    await writeFile(path.join(content, "articles/typo.md"), "---\ntitle: Typo\nsubtitel: A dek\ncategory: world\ndate: 2024-07-01\n---\nBody.\n");
    const templates = path.join(ROOT, "templates");
    const ok = await cli(["build", "--content", "warned", "--templates", templates, "--out", "warned-out"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Built \d+ files \(31 articles\) into warned-out\/ in \d+ ms, 1 warning:\n/);
    expect(ok.stderr).toContain('warned/articles/typo.md:3:1  subtitel  warning: unknown field "subtitel"  [unknown-field]');
    expect(ok.stderr).toContain('hint: Did you mean "subtitle"?');
    const strict = await cli(["build", "--content", "warned", "--templates", templates, "--out", "strict-out", "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("Build failed: 1 error, 0 warnings; nothing was written.");
    expect(existsSync(path.join(dir, "strict-out"))).toBe(false);
  });

  it("treats an unknown command or flag as a usage error", async () => {
    expect((await cli(["publish"])).code).toBe(2);
    expect((await cli(["build", "--frobnicate"])).code).toBe(2);
  });
});
