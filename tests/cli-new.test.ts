import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, newsroomCopy } from "./cli-spawn.js";

let dir: string;
beforeAll(async () => {
  dir = await newsroomCopy();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("broadsheet new", () => {
  it("makes a short slug of a long or Cyrillic headline, cut after a whole word, and the file builds", async () => {
    const epoch = String(Date.UTC(2024, 6, 10, 9, 0) / 1000);
    const long = `${"Parliament debates the extraordinary budget amendments again ".repeat(5)}today`;
    const made = await cli(dir, ["new", long, "--category", "politics"], { SOURCE_DATE_EPOCH: epoch });
    expect(made).toEqual({ code: 0, stdout: "content/articles/2024/07/parliament-debates-the-extraordinary-budget-amendments-again-parliament-debates.md\n", stderr: "" });
    const cyrillic = await cli(dir, ["new", "Газопровод «Южный поток»: объём", "--category", "politics"], { SOURCE_DATE_EPOCH: epoch });
    expect(cyrillic).toEqual({ code: 0, stdout: "content/articles/2024/07/gazoprovod-yuzhnyy-potok-obyom.md\n", stderr: "" });
    expect((await cli(dir, ["new", "Story", "--category", "politics", "--slug", "x".repeat(201)], { SOURCE_DATE_EPOCH: epoch })).code).toBe(2);
    const built = await cli(dir, ["build", "--drafts", "--future"], { SOURCE_DATE_EPOCH: epoch });
    expect(built.code).toBe(0);
    expect(existsSync(path.join(dir, "public/politics/gazoprovod-yuzhnyy-potok-obyom/index.html"))).toBe(true);
    await rm(path.join(dir, made.stdout.trim()));
    await rm(path.join(dir, cyrillic.stdout.trim()));
  });

  it("creates a draft in the month of the site zone, with a transliterated slug, and the file builds", async () => {
    // 2024-07-31T21:30Z is already 1 August, 01:30 in Asia/Baku: the article belongs to August.
    const epoch = String(Date.UTC(2024, 6, 31, 21, 30) / 1000);
    const made = await cli(dir, ["new", "Türkiye’s “new” deal: ə and ş", "--category", "politics", "--author", "bob-t", "--subtitle", 'A "quoted" dek'], { SOURCE_DATE_EPOCH: epoch });
    expect(made).toEqual({ code: 0, stdout: "content/articles/2024/08/turkiyes-new-deal-e-and-s.md\n", stderr: "" });
    expect(await readFile(path.join(dir, made.stdout.trim()), "utf8")).toBe(
      [
        "---",
        'title: "Türkiye’s “new” deal: ə and ş"',
        'subtitle: "A \\"quoted\\" dek"',
        "category: politics",
        "author: bob-t",
        "date: 2024-08-01 01:30",
        "tags: []",
        "draft: true",
        "---",
        "Write the story here.",
        "",
      ].join("\n"),
    );

    const built = await cli(dir, ["build", "--drafts", "--future"], { SOURCE_DATE_EPOCH: epoch });
    expect(built.code).toBe(0);
    const page = await readFile(path.join(dir, "public/politics/turkiyes-new-deal-e-and-s/index.html"), "utf8");
    expect(page).toContain("<h1>Türkiye’s “new” deal: ə and ş</h1>");
    expect(page).toContain("01 August 2024 - 01:30");
  });

  it("never overwrites an existing file", async () => {
    const file = path.join(dir, "content/articles/2024/08/budget-vote.md");
    const args = ["new", "Budget vote", "--category", "politics"];
    const env = { SOURCE_DATE_EPOCH: String(Date.UTC(2024, 7, 2) / 1000) };
    expect((await cli(dir, args, env)).code).toBe(0);
    const first = await readFile(file, "utf8");
    const again = await cli(dir, [...args, "--subtitle", "Second try"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      "broadsheet new: content/articles/2024/08/budget-vote.md already exists; nothing was changed. Choose another headline or --slug.\n",
    );
    expect(await readFile(file, "utf8")).toBe(first);

    // The same headline a month later would clash with the first story's slug.
    const later = await cli(dir, args, { SOURCE_DATE_EPOCH: String(Date.UTC(2024, 8, 2) / 1000) });
    expect(later.code).toBe(1);
    expect(later.stderr).toBe(
      'broadsheet new: the slug "budget-vote" is already used by content/articles/2024/08/budget-vote.md; nothing was created. Choose another with --slug.\n',
    );
    expect(existsSync(path.join(dir, "content/articles/2024/09"))).toBe(false);
  });

  it("refuses unknown categories and authors with a suggestion, and a missing headline", async () => {
    const category = await cli(dir, ["new", "X", "--category", "poltics"]);
    expect(category.code).toBe(2);
    expect(category.stderr).toContain('broadsheet new: unknown category "poltics". Did you mean "politics"? Categories in site.yml: analytics, politics, economy, world');
    const author = await cli(dir, ["new", "X", "--category", "world", "--author", "bob"]);
    expect(author.code).toBe(2);
    expect(author.stderr).toContain('unknown author "bob"');
    expect((await cli(dir, ["new", "--category", "world"])).code).toBe(2);
    expect((await cli(dir, ["new", "Headline"])).stderr).toContain("--category is required");
    expect((await cli(dir, ["new", "«»", "--category", "world"])).stderr).toContain("give one with --slug");
  });

  it("says so when the content folder is not there, and writes nothing", async () => {
    const missing = await cli(dir, ["new", "X", "--category", "world", "--content", "elsewhere"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("elsewhere  -  error: the content folder elsewhere is not there  [content-missing]");
    expect(missing.stderr).not.toContain("site.yml");
    expect(existsSync(path.join(dir, "elsewhere"))).toBe(false);
  });
});
