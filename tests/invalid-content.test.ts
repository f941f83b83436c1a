import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURE_NOW } from "./helpers.js";
import { build, prepareSite } from "../src/build.js";
import { renderPages } from "../src/render/render-pages.js";
import { TEMPLATES } from "./helpers.js";
import { AUTHORS_YML, BASE, GOOD, SITE_YML, article, describeDiagnostic, nothingWritten, writeSmallSite, type FileSpec, type SmallSite } from "./small-site.js";

// One bad input per case, in a small site that is otherwise valid. Each case lists every diagnostic the
// build must report ("code file:line:column field", file relative to content/), and the build must write nothing.
// Warning-only cases run with --strict, which makes them fail the same way.

interface Case {
  name: string;
  files: Record<string, FileSpec>;
  expect: string[];
  /** A hint (or message) that must be part of the first diagnostic. */
  says?: string;
  strict?: boolean;
}

const A = "articles/bad.md";
const bad = (fields: string, body?: string) => ({ [A]: article(fields, body) });
const fields = (over: Record<string, string | undefined>) =>
  Object.entries({ title: "Story", category: "politics", date: "2024-07-01 10:00", ...over })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => (v === "" ? `${k}:` : `${k}: ${v}`))
    .join("\n");
const site = (extra: string, without: string[] = []) => ({
  "site.yml": SITE_YML.split("\n").filter((l) => !without.some((k) => l.startsWith(`${k}:`))).join("\n") + extra,
});

const CASES: Case[] = [
  // Front matter and YAML
  { name: "YAML syntax error (unclosed quote)", files: bad('title: "Story\ncategory: politics\ndate: 2024-07-01'), expect: [`yaml-syntax ${A}:2:8`], says: "This quote is never closed" },
  { name: "YAML syntax error (quote inside quotes)", files: bad("title: 'It's here'\ncategory: politics\ndate: 2024-07-01"), expect: [`yaml-syntax ${A}:2:12`] },
  { name: "YAML syntax error (colon in a plain value)", files: bad("title: Oil: the deal\ncategory: politics\ndate: 2024-07-01"), expect: [`yaml-syntax ${A}:2:8`], says: "quoted as a whole" },
  { name: "YAML tabs as indentation", files: bad("title: Story\ncategory: politics\ndate: 2024-07-01\ntags:\n\t- oil"), expect: [`yaml-syntax ${A}:6:1`] },
  { name: "YAML duplicate key", files: bad("title: Story\ncategory: politics\ntitle: Again\ndate: 2024-07-01"), expect: [`yaml-syntax ${A}:4:1`], says: "Each key may appear once" },
  { name: "YAML alias bomb", files: bad(`title: Story\ncategory: politics\ndate: 2024-07-01\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]`), expect: [`yaml-aliases ${A}:6:8`] },
  { name: "YAML custom tag", files: bad("title: !!js/function 'function () { return 1 }'\ncategory: politics\ndate: 2024-07-01"), expect: [`yaml-tag ${A}:2:8`] },
  { name: "front matter not closed", files: { [A]: "---\ntitle: Story\ncategory: politics\n\nBody.\n" }, expect: [`front-matter-unclosed ${A}:1:1`] },
  { name: "no front matter", files: { [A]: "Just a body.\n" }, expect: [`front-matter-missing ${A}:1:1`] },
  { name: "front matter as ---js", files: { [A]: "---js\n{ title: (globalThis.pwned = 'js') }\n---\nBody.\n" }, expect: [`front-matter-language ${A}:1:4`] },
  { name: "front matter as ---javascript", files: { [A]: "---javascript\n{ title: (globalThis.pwned = 'javascript') }\n---\nBody.\n" }, expect: [`front-matter-language ${A}:1:4`] },
  { name: "front matter as ---JS", files: { [A]: "---JS\n{ title: (globalThis.pwned = 'JS') }\n---\nBody.\n" }, expect: [`front-matter-language ${A}:1:4`] },
  { name: "front matter as --- js", files: { [A]: "--- js\n{ title: (globalThis.pwned = ' js') }\n---\nBody.\n" }, expect: [`front-matter-language ${A}:1:4`] },
  { name: "front matter as ---coffee", files: { [A]: "---coffee\ntitle: 'x'\n---\nBody.\n" }, expect: [`front-matter-language ${A}:1:4`] },
  { name: "front matter is a list", files: { [A]: "---\n- title\n- Story\n---\nBody.\n" }, expect: [`front-matter-type ${A}:2:1`] },
  // Required fields and types
  { name: "missing title", files: bad(fields({ title: undefined })), expect: [`field-missing ${A}:2:1 title`] },
  { name: "empty title", files: bad(fields({ title: "" })), expect: [`field-empty ${A}:2:1 title`] },
  { name: "blank quoted title", files: bad(fields({ title: '"  "' })), expect: [`field-empty ${A}:2:8 title`] },
  { name: "missing category", files: bad(fields({ category: undefined })), expect: [`field-missing ${A}:2:1 category`] },
  { name: "missing date", files: bad(fields({ date: undefined })), expect: [`field-missing ${A}:2:1 date`] },
  { name: "a number as title", files: bad(fields({ title: "12" })), expect: [`field-type ${A}:2:8 title`], says: 'title: "12"' },
  { name: "a NUL character in the title", files: bad(fields({ title: '"Nul\\u0000here"' })), expect: [`field-control-char ${A}:2:8 title`], says: "U+0000" },
  { name: "a control character in a tag", files: bad(fields({ tags: '[ok, "bell\\u0007"]' })), expect: [`field-control-char ${A}:5:12 tags`] },
  { name: "a list as title", files: bad(fields({ title: "[a, b]" })), expect: [`field-type ${A}:2:8 title`], says: 'Write text in double quotes: title: "..."' },
  { name: "a string as tags", files: bad(fields({ tags: "oil, gas" })), expect: [`field-type ${A}:5:7 tags`] },
  { name: "a number among tags", files: bad(fields({ tags: "[oil, 42]" })), expect: [`field-type ${A}:5:13 tags`] },
  { name: "slug: 0123 (a number to YAML)", files: bad(fields({ slug: "0123" })), expect: [`field-type ${A}:5:7 slug`], says: 'slug: "0123"' },
  { name: "title: 1e3 # a comment (a number to YAML)", files: bad(fields({ title: "1e3   # a comment" })), expect: [`field-type ${A}:2:8 title`], says: 'title: "1e3"' },
  { name: "draft: 'false' (text, not false)", files: bad(fields({ draft: "'false'" })), expect: [`field-type ${A}:5:8 draft`] },
  { name: "draft: yes (text in YAML 1.2)", files: bad(fields({ draft: "yes" })), expect: [`field-type ${A}:5:8 draft`] },
  { name: "a date written as a number", files: bad(fields({ date: "20240701" })), expect: [`field-type ${A}:4:7 date`] },
  // References
  { name: "unknown category", files: bad(fields({ category: "poltics" })), expect: [`unknown-category ${A}:3:11 category`], says: 'Did you mean "politics"?' },
  { name: "unknown author", files: bad(fields({ author: "ana" })), expect: [`unknown-author ${A}:5:9 author`], says: 'Did you mean "anna"?' },
  { name: "unknown author in a list", files: bad(fields({ author: "[anna, bob]" })), expect: [`unknown-author ${A}:5:16 author`] },
  { name: "image missing from content/media", files: bad(fields({ image: "/media/missing.jpg", imageAlt: "A photo" })), expect: [`image-missing ${A}:5:8 image`] },
  {
    name: "a body picture missing, beside another file's mistake (both in one run)",
    files: { ...bad(fields({ category: "sport" })), "articles/one.md": article(fields({}), "Text.\n\n![A chart](/media/missing.png)\n") },
    expect: [`unknown-category ${A}:3:11 category`, "image-missing articles/one.md:8:1 body"],
  },
  { name: "a body SVG missing from content/media", files: bad(fields({}), "Text.\n\n![A map](/media/map.svg)\n"), expect: [`image-missing ${A}:8:1 body`] },
  {
    name: "a body picture whose name has a # (a fragment in a link)",
    files: { ...bad(fields({}), "Text.\n\n![The hall](</media/hall #2.jpg>)\n"), "media/hall #2.jpg": BASE["media/photo.jpg"]! },
    expect: [`image-missing ${A}:8:1 body`],
    says: "Write %23 for a # in a file name",
  },
  {
    name: "a body picture named by a folder and a query",
    files: { ...bad(fields({}), "Text.\n\n![The hall](/media/2024?v=2)\n"), "media/2024/photo.jpg": BASE["media/photo.jpg"]! },
    expect: [`image-missing ${A}:8:1 body`],
    says: 'image "/media/2024" is a folder, not a file',
  },
  { name: "a body picture missing, linked with a query", files: bad(fields({}), "Text.\n\n![A chart](/media/chart.png?v=2)\n"), expect: [`image-missing ${A}:8:1 body`], says: "Put the file in content/media/" },
  { name: "a body image under a file's name (/media/photo.jpg/x.svg)", files: bad(fields({}), "Text.\n\n![A map](/media/photo.jpg/x.svg)\n"), expect: [`image-missing ${A}:8:1 body`] },
  { name: "image as a javascript: URL", files: bad(fields({ image: '"javascript:alert(1)"', imageAlt: "A photo" })), expect: [`image-missing ${A}:5:8 image`] },
  // Dates
  { name: "date that does not parse", files: bad(fields({ date: "next tuesday" })), expect: [`invalid-date ${A}:4:7 date`] },
  { name: "date 2024-02-30", files: bad(fields({ date: "2024-02-30" })), expect: [`invalid-date ${A}:4:7 date`], says: "February 2024 has no day 30" },
  { name: "date 2024-13-45 (no roll-over)", files: bad(fields({ date: "2024-13-45" })), expect: [`invalid-date ${A}:4:7 date`], says: "month 13" },
  { name: "time 25:00", files: bad(fields({ date: "2024-07-01 25:00" })), expect: [`invalid-date ${A}:4:7 date`], says: "hour 25" },
  { name: "time in the daylight-saving gap", files: bad(fields({ date: "2024-03-31 02:30" })), expect: [`invalid-date ${A}:4:7 date`], says: "skip that hour" },
  { name: "updated before date", files: bad(fields({ updated: "2024-06-30 10:00" })), expect: [`updated-before-date ${A}:5:10 updated`] },
  // Slugs and URLs
  { name: "invalid slug", files: bad(fields({ slug: "Hello World" })), expect: [`invalid-slug ${A}:5:7 slug`], says: "slug: hello-world" },
  { name: "slug in Cyrillic", files: bad(fields({ slug: "Газпром новости" })), expect: [`invalid-slug ${A}:5:7 slug`], says: "For example: slug: gazprom-novosti" },
  {
    name: "body picture whose name is too long for its resized copies",
    files: { [`media/${"ф".repeat(120)}.jpg`]: BASE["media/photo.jpg"]!, ...bad(fields({}), `Text.\n\n![x](/media/${"ф".repeat(120)}.jpg)\n`) },
    expect: [`image-unreadable ${A}:8:1 body`],
    says: "too long for its resized copies",
  },
  { name: "slug too long for a folder name", files: bad(fields({ slug: "extraordinary-".repeat(19) + "end" })), expect: [`invalid-slug ${A}:5:7 slug`], says: "at most 200 characters" },
  { name: "file name too long for a slug", files: { [`articles/${"long-".repeat(41)}x.md`]: article(fields({})) }, expect: [`invalid-slug articles/${"long-".repeat(41)}x.md:2:1 slug`], says: "at most 200 characters" },
  { name: "tag too long for a URL", files: bad(fields({ tags: `[oil, "${"Very long tag ".repeat(16)}"]` })), expect: [`invalid-tag ${A}:5:13 tags`], says: "at most 200 characters" },
  { name: "tag with nothing a URL can be made of", strict: true, files: bad(fields({ tags: '[oil, "🚀"]' })), expect: [`tag-without-page ${A}:5:13 tags`], says: "gets no page" },
  {
    name: "an alias that takes a category's page, beside another file's mistake (both in one run)",
    files: { ...bad(fields({ category: "sport" })), "articles/one.md": article(fields({ aliases: "[/politics/]" })) },
    expect: [`unknown-category ${A}:3:11 category`, "alias-collision articles/one.md:5:11 aliases"],
  },
  { name: "alias with a part too long for a folder name", files: bad(fields({ aliases: `[/politics/${"x".repeat(201)}/]` })), expect: [`invalid-alias ${A}:5:11 aliases`], says: "longer than 200 characters" },
  { name: "file name that is not a slug", files: { "articles/Breaking News!.md": article(fields({})) }, expect: ["invalid-slug articles/Breaking News!.md:2:1 slug"] },
  { name: "two files with one URL (file names)", files: { "articles/a/same.md": GOOD, "articles/b/same.md": GOOD }, expect: ["duplicate-slug articles/b/same.md:1:1 slug"], says: "articles/a/same.md" },
  { name: "two files with one URL (slug:)", files: { "articles/z.md": article(fields({ slug: "ok" })) }, expect: ["duplicate-slug articles/z.md:5:1 slug"], says: "content/articles/ok.md" },
  { name: "article slug 'page'", files: bad(fields({ slug: "page" })), expect: [`reserved-slug ${A}:5:1 slug`] },
  { name: "page slug = a category", files: { "pages/politics.md": article("title: Politics") }, expect: ["reserved-slug pages/politics.md:1:1 slug"], says: 'category "politics"' },
  { name: "page slug = news", files: { "pages/x.md": article("title: News\nslug: news") }, expect: ["reserved-slug pages/x.md:3:1 slug"] },
  { name: "page slug = authors", files: { "pages/authors.md": article("title: Our authors") }, expect: ["reserved-slug pages/authors.md:1:1 slug"] },
  { name: "page and article with one slug", files: { "pages/ok.md": article("title: OK page") }, expect: ["duplicate-slug pages/ok.md:1:1 slug"] },
  { name: "page without a title", files: { "pages/about.md": article("subtitle: About us") }, expect: ["field-missing pages/about.md:2:1 title"] },
  // Encoding and files
  { name: "CRLF line endings keep positions", files: { [A]: article(fields({ category: "poltics" })).replace(/\n/g, "\r\n") }, expect: [`unknown-category ${A}:3:11 category`] },
  { name: "UTF-8 BOM keeps positions", files: { [A]: `\uFEFF${article(fields({ category: "poltics" }))}` }, expect: [`unknown-category ${A}:3:11 category`] },
  { name: "not UTF-8 (Latin-1 byte)", files: { [A]: new Uint8Array([...Buffer.from("---\ntitle: Caf"), 0xe9, ...Buffer.from("\ncategory: politics\n---\n")]) }, expect: [`not-utf8 ${A}:2:11`] },
  { name: "not UTF-8 site.yml", files: { "site.yml": new Uint8Array([...Buffer.from(SITE_YML), 0xff]) }, expect: ["not-utf8 site.yml:8:1"] },
  // Warnings, fatal under --strict
  { name: "unknown field (subtitel)", strict: true, files: bad(fields({ subtitel: "A dek" })), expect: [`unknown-field ${A}:5:1 subtitel`], says: 'Did you mean "subtitle"?' },
  { name: "empty body", strict: true, files: bad(fields({}), ""), expect: [`empty-body ${A}:6:1`] },
  { name: "not a Markdown file", strict: true, files: { "articles/notes.txt": "notes" }, expect: ["not-markdown articles/notes.txt:0:0"] },
  { name: "symlink to a file outside content/", strict: true, files: { "articles/leak.md": { link: "../../outside.md" }, "../outside.md": GOOD }, expect: ["symlink-outside articles/leak.md:0:0"] },
  // site.yml and authors.yml
  { name: "site.yml missing", files: { "site.yml": null }, expect: ["config-missing site.yml:0:0"] },
  { name: "site.yml YAML error", files: { "site.yml": SITE_YML + "pageSize: [1\n" }, expect: ["yaml-syntax site.yml:9:1"] },
  { name: "unknown IANA zone", files: { "site.yml": SITE_YML.replace("Europe/Berlin", "Europe/Berln") }, expect: ["config-time-zone site.yml:4:11 timeZone"] },
  {
    name: "a missing logo beside another mistake in site.yml (both in one run)",
    files: site("logo: /media/logo.png\npageSize: 0\n"),
    expect: ["config-logo site.yml:8:7 logo", "field-range site.yml:9:11 pageSize"],
  },
  { name: "bad date-fns pattern (YYYY)", files: site("dateFormat: DD.MM.YYYY\n"), expect: ["config-date-format site.yml:8:13 dateFormat"], says: "write yyyy for the year" },
  { name: "12-hour dateFormat without AM/PM", strict: true, files: site("dateFormat: dd.MM.yyyy hh:mm\n"), expect: ["config-12-hour site.yml:8:13 dateFormat"] },
  { name: "non-absolute baseUrl", files: { "site.yml": SITE_YML.replace("https://news.example/", "/news/") }, expect: ["config-base-url site.yml:2:10 baseUrl"] },
  { name: "baseUrl with a query", files: { "site.yml": SITE_YML.replace("https://news.example/", '"https://news.example/?edition=1"') }, expect: ["config-base-url site.yml:2:10 baseUrl"] },
  { name: "baseUrl not http(s)", files: { "site.yml": SITE_YML.replace("https://news.example/", "ftp://news.example/") }, expect: ["config-base-url site.yml:2:10 baseUrl"] },
  { name: "pageSize 0", files: site("pageSize: 0\n"), expect: ["field-range site.yml:8:11 pageSize"] },
  { name: "latestNewsCount -1", files: site("latestNewsCount: -1\n"), expect: ["field-range site.yml:8:18 latestNewsCount"] },
  { name: "readAlsoCount 2.5", files: site("readAlsoCount: 2.5\n"), expect: ["field-range site.yml:8:16 readAlsoCount"] },
  { name: "bad language tag", files: { "site.yml": SITE_YML.replace("language: en", "language: english!") }, expect: ["config-language site.yml:3:11 language"] },
  { name: "telegram as javascript:", files: site('telegram: "javascript:alert(1)"\n'), expect: ["config-telegram site.yml:8:11 telegram"] },
  { name: "allowHtml as text", files: site('allowHtml: "yes"\n'), expect: ["field-type site.yml:8:12 allowHtml"] },
  { name: "categories missing", files: site("", ["categories", "  politics", "  world"]), expect: ["field-missing site.yml:1:1 categories"] },
  { name: "category id not a slug", files: site("  Foreign_News: Foreign\n"), expect: ["config-category-id site.yml:8:3 categories.Foreign_News"] },
  { name: "category id taken by the site (news)", files: site("  news: News\n"), expect: ["config-category-id site.yml:8:3 categories.news"] },
  { name: "unknown site.yml key", strict: true, files: site("titel: x\n"), expect: ["unknown-field site.yml:8:1 titel"], says: 'Did you mean "title"?' },
  { name: "author url as javascript:", files: { "authors.yml": AUTHORS_YML + '  url: "javascript:alert(1)"\n' }, expect: ["config-author-url authors.yml:3:8 anna.url"] },
  { name: "author without a name", files: { "authors.yml": AUTHORS_YML + "bob:\n  bio: Reporter\n" }, expect: ["field-missing authors.yml:3:1 bob.name"] },
  { name: "author id not a slug", files: { "authors.yml": AUTHORS_YML + "Bob Smith:\n  name: Bob\n" }, expect: ["config-author-id authors.yml:3:1 Bob Smith"] },
];

const sites: SmallSite[] = [];
afterAll(() => Promise.all(sites.map((s) => s.cleanup())));

describe("every bad input is reported precisely and nothing is written", () => {
  it.each(CASES)("$name", async (c) => {
    const s = await writeSmallSite(c.files);
    sites.push(s);
    const result = await build({ contentDir: s.content, templatesDir: TEMPLATES, outDir: s.out, now: FIXTURE_NOW, strict: c.strict ?? false });
    expect(result.diagnostics.map((d) => describeDiagnostic(d, s.content))).toEqual(c.expect);
    expect(result.ok).toBe(false);
    expect(nothingWritten(s)).toBe(true);
    if (c.says) expect(`${result.diagnostics[0]!.message} ${result.diagnostics[0]!.hint ?? ""}`).toContain(c.says);
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
  });

  it(`tries ${CASES.length} bad inputs`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });
});

describe("a template that fails", () => {
  it.each([
    ["throws a value that is not an Error", "<% throw 42 %>", /^42 \(while rendering \/politics\/ok\/\)$/],
    ["reads a field of nothing", "<%= it.missing.field %>", /^Cannot read properties of undefined \(reading 'field'\) \(while rendering \/politics\/ok\/\)$/],
  ])("is reported at its line with what it threw: %s", async (_name, line, message) => {
    const s = await writeSmallSite({});
    sites.push(s);
    const templates = path.join(path.dirname(s.content), "templates");
    await cp(TEMPLATES, templates, { recursive: true });
    const file = path.join(templates, "article.eta");
    const text = (await readFile(file, "utf8")).split("\n");
    await writeFile(file, [...text.slice(0, 2), line, ...text.slice(2)].join("\n"));
    const result = await build({ contentDir: s.content, templatesDir: templates, outDir: s.out, now: FIXTURE_NOW });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, path.relative(templates, d.file), d.line])).toEqual([["template-error", "article.eta", 3]]);
    expect(result.diagnostics[0]!.message).toMatch(message);
    expect(nothingWritten(s)).toBe(true);
    // `check` renders every page, so it finds the same failure, and keeps none of them.
    for (const workerThreshold of [Infinity, 0]) {
      const check = await build({ contentDir: s.content, templatesDir: templates, outDir: s.out, now: FIXTURE_NOW, dryRun: true, keepFiles: false, workerThreshold });
      expect(check).toMatchObject({ ok: false, diagnostics: result.diagnostics, files: [] });
    }
  });
});

describe("a check", () => {
  it("keeps no page, where any other dry run lists them all", async () => {
    const s = await writeSmallSite({});
    sites.push(s);
    const options = { contentDir: s.content, templatesDir: TEMPLATES, outDir: s.out, now: FIXTURE_NOW, dryRun: true };
    const listed = await build(options);
    expect(listed.ok).toBe(true);
    expect(listed.files.filter((f) => f.path.endsWith("index.html")).length).toBeGreaterThan(5);
    expect(await build({ ...options, keepFiles: false })).toMatchObject({ ok: true, diagnostics: listed.diagnostics, files: [] });
    // A build that writes its pages writes them whole, whatever it is told to keep (the second thread renders too).
    const written = await build({ ...options, dryRun: false, keepFiles: false, workerThreshold: 0 });
    expect(written.ok).toBe(true);
    const home = await readFile(path.join(s.out, "index.html"), "utf8");
    expect(home).toContain("</html>");
    const made = listed.files.flatMap((f) => ("contents" in f ? [{ path: f.path, text: Buffer.from(f.contents).toString("utf8") }] : []));
    expect(made.map((f) => f.path)).toContain("feed.xml");
    for (const file of made) expect(await readFile(path.join(s.out, file.path), "utf8")).toBe(file.text);
    // Nor does the render stage hold them until it ends.
    const { site } = await prepareSite(options);
    const { routes, ctx, templates } = site!;
    const held = await renderPages(routes, ctx, templates, undefined, { threshold: Infinity });
    expect(held.files.length).toBe(routes.length);
    // Whichever thread renders them (threshold 0: a second thread takes part from the first page).
    for (const threshold of [Infinity, 0]) {
      const dropped = await renderPages(routes, ctx, templates, undefined, { threshold, drop: true });
      expect(dropped).toMatchObject({ files: [], diagnostics: [], counts: { rendered: routes.length } });
      if (threshold === 0) expect(dropped.counts.byWorker).toBeGreaterThan(0);
    }
  });
});
