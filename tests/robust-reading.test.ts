import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { build } from "../src/build.js";
import { parseFrontMatter } from "../src/content/front-matter.js";
import { decodeText } from "../src/content/scan.js";
import { displayPath, pathsUnder } from "../src/config/display-path.js";
import { FIXTURE_NOW, TEMPLATES, listFiles } from "./helpers.js";
import { GOOD, article, describeDiagnostic, writeSmallSite, type FileSpec, type SmallSite } from "./small-site.js";

// Inputs that look odd but are fine: they must build, with no diagnostics, and show the text as written.

const sites: SmallSite[] = [];
afterAll(() => Promise.all(sites.map((s) => s.cleanup())));

async function buildFiles(files: Record<string, FileSpec>, options: { outDir?: (s: SmallSite) => string } = {}) {
  const s = await writeSmallSite(files);
  sites.push(s);
  const out = options.outDir?.(s) ?? s.out;
  const result = await build({ contentDir: s.content, templatesDir: TEMPLATES, outDir: out, now: FIXTURE_NOW });
  const problems = result.diagnostics.map((d) => describeDiagnostic(d, s.content));
  const slugs = (result.index?.articles.map((a) => a.slug) ?? []).sort();
  const html = (file: string) => readFile(path.join(out, file), "utf8");
  return { s, result, problems, slugs, html };
}

describe("robust reading", () => {
  it("reads a file with a BOM, CRLF line endings, trailing spaces and a tab after a colon", async () => {
    const text = "\uFEFF---  \r\ntitle:\tWindows story  \r\ncategory: politics \r\ndate: 2024-07-01 10:00\r\n---  \r\nBody line.\r\n";
    const { problems, slugs, html } = await buildFiles({ "articles/windows.md": text });
    expect(problems).toEqual([]);
    expect(slugs).toEqual(["ok", "windows"]);
    expect(await html("politics/windows/index.html")).toContain("<h1>Windows story</h1>");
  });

  it("decodes a good file after a bad one as it would alone (one strict decoder reads every file)", () => {
    const crlf = Buffer.from("\uFEFF---\r\ntitle: Caf\u00e9\r\r\n---\r\n");
    const alone = decodeText(crlf);
    expect(alone).toEqual({ ok: true, text: "---\ntitle: Caf\u00e9\n\n---\n" });
    expect(decodeText(new Uint8Array([0x61, 0x0a, 0x62, 0xe9, 0x63]))).toEqual({ ok: false, offset: 3, line: 2, column: 2 });
    // A character cut off at the end of one file is not carried into the next.
    expect(decodeText(new Uint8Array([0x61, 0xc3])).ok).toBe(false);
    expect(decodeText(crlf)).toEqual(alone);
  });

  it("reads upper-case .MD files and ignores editor leftovers and hidden folders", async () => {
    const { problems, slugs } = await buildFiles({
      "articles/Upper.MD": null,
      "articles/upper.MD": GOOD,
      "articles/.DS_Store": new Uint8Array([0, 1, 2]),
      "articles/ok.md~": GOOD,
      "articles/.#ok.md": GOOD,
      "articles/.ok.md.swp": new Uint8Array([0xff, 0xfe]),
      "articles/.hidden/secret.md": GOOD,
      "articles/Thumbs.db": new Uint8Array([0xff]),
    });
    expect(problems).toEqual([]);
    expect(slugs).toEqual(["ok", "upper"]);
  });

  it("keeps values YAML 1.1 would coerce as the text written", async () => {
    const { problems, html } = await buildFiles({ "articles/clock.md": article("title: 12:30\nsubtitle: 0123 and yes and 1_000\ncategory: politics\ndate: 2024-07-01") });
    expect(problems).toEqual([]);
    const page = await html("politics/clock/index.html");
    expect(page).toContain("<h1>12:30</h1>");
    expect(page).toContain('<p class="dek">0123 and yes and 1_000</p>');
  });

  it("accepts an explicit ---yaml fence", async () => {
    const { problems, slugs } = await buildFiles({ "articles/fenced.md": "--- yaml\ntitle: Fenced\ncategory: world\ndate: 2024-07-01\n---\nBody.\n" });
    expect(problems).toEqual([]);
    expect(slugs).toEqual(["fenced", "ok"]);
  });

  it("gives two identical files two separate articles (gray-matter's cache is not used)", async () => {
    const twin = article("title: Twin\ncategory: world\ndate: 2024-07-01");
    const { problems, result } = await buildFiles({ "articles/twin-a.md": twin, "articles/twin-b.md": twin });
    expect(problems).toEqual([]);
    const twins = result.index!.articles.filter((a) => a.title === "Twin");
    expect(twins.map((a) => a.slug)).toEqual(["twin-a", "twin-b"]);
    const first = parseFrontMatter(twin, "a.md").doc!.data.value as Record<string, unknown>;
    const second = parseFrontMatter(twin, "b.md").doc!.data.value as Record<string, unknown>;
    first.title = "changed";
    expect(second.title).toBe("Twin");
  });

  it("follows a symlink loop once and links inside content/", async () => {
    const { problems, slugs } = await buildFiles({
      "articles/loop": { link: "." },
      "articles/up": { link: ".." },
      "extra/linked-story.md": article("title: Linked\ncategory: world\ndate: 2024-07-01"),
      "articles/linked": { link: "../extra" },
    });
    expect(problems).toEqual([]);
    expect(slugs).toEqual(["linked-story", "ok"]);
  });

  it("builds a 10 MB article", async () => {
    const paragraph = "Lorem ipsum dolor sit amet, <consectetur> & adipiscing elit, sed do eiusmod tempor. ".repeat(12);
    const body = `${paragraph}\n\n`.repeat(Math.ceil((10 * 1024 * 1024) / (paragraph.length + 2)));
    const { problems, html } = await buildFiles({ "articles/huge.md": article("title: Huge\ncategory: world\ndate: 2024-07-01", body) });
    expect(problems).toEqual([]);
    expect(body.length).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    const page = await html("world/huge/index.html");
    expect(page.length).toBeGreaterThan(10 * 1024 * 1024);
    expect(page).toContain("&lt;consectetur&gt; &amp; adipiscing");
  }, 60_000);

  it("refuses an output folder inside content/ and writes nothing there", async () => {
    const { s, result, problems } = await buildFiles({}, { outDir: (site) => path.join(site.content, "public") });
    expect(result.ok).toBe(false);
    expect(problems).toEqual(["out-dir-unsafe public:0:0"]);
    expect(await listFiles(s.content)).toEqual(["articles/ok.md", "authors.yml", "media/photo.jpg", "site.yml"]);
  });

  it("refuses, and leaves as it was, a file given as the output folder, or a folder of other files", async () => {
    const cases: [string, (root: string) => void, string][] = [
      ["notes.txt", (root) => writeFileSync(path.join(root, "notes.txt"), "precious"), "the output folder notes.txt is a file"],
      ["notes.txt/site", (root) => writeFileSync(path.join(root, "notes.txt"), "precious"), "notes.txt/site cannot be made: "],
      ["docs", (root) => mkdirSync(path.join(root, "docs")) ?? writeFileSync(path.join(root, "docs", "important.md"), "mine"), "the output folder docs holds files Broadsheet did not make (important.md)"],
      // A hand-made site: an index.html alone is not the mark of a generated one.
      ["docs", (root) => mkdirSync(path.join(root, "docs")) ?? writeFileSync(path.join(root, "docs", "index.html"), "mine") ?? writeFileSync(path.join(root, "docs", "important.md"), "mine"), "holds files Broadsheet did not make (important.md, index.html)"],
      // A deploy branch checked out there: its .git (and any commit not pushed) would go with the folder.
      ["docs", (root) => { mkdirSync(path.join(root, "docs", ".git"), { recursive: true }); writeFileSync(path.join(root, "docs", "important.md"), "mine"); }, "the output folder docs is a Git checkout (.git)"],
    ];
    for (const [out, make, says] of cases) {
      let root = "";
      const { result, problems } = await buildFiles({}, { outDir: (site) => ((root = site.root), make(root), path.join(root, out)) });
      expect(result.ok).toBe(false);
      expect(problems).toEqual([`out-dir-unsafe ${path.relative(path.join(root, "content"), path.join(root, out))}:0:0`]);
      expect(result.diagnostics[0]!.message.replaceAll(root + path.sep, "")).toContain(says);
      if (out === "docs") expect((await listFiles(path.join(root, "docs"))).filter((f) => f !== "index.html")).toEqual(["important.md"]);
      else expect(readFileSync(path.join(root, "notes.txt"), "utf8")).toBe("precious");
    }
  });

  it("refuses an output folder whose name is too long for the folders named after it, before rendering anything", async () => {
    const s = await writeSmallSite({});
    sites.push(s);
    const out = path.join(s.root, "s".repeat(230));
    const result = await build({ contentDir: s.content, templatesDir: TEMPLATES, outDir: out, now: FIXTURE_NOW });
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([["out-dir-unsafe", "the output folder's name is 230 bytes long"]]);
    expect(result.stages).toEqual([]);
    expect(existsSync(out)).toBe(false);
    // 200 bytes is still a name the build can work beside.
    const fits = await build({ contentDir: s.content, templatesDir: TEMPLATES, outDir: path.join(s.root, "s".repeat(200)), now: FIXTURE_NOW });
    expect(fits.diagnostics).toEqual([]);
  });

  it("refuses an output folder whose path is too long for the site's files, before writing anything", async () => {
    const s = await writeSmallSite({});
    sites.push(s);
    // Folders of 230 bytes, down to a path of ~4,050 bytes: "politics/ok/index.html" cannot be written below it.
    let deep = s.root;
    while (Buffer.byteLength(deep) < 3_800) deep = path.join(deep, "d".repeat(230));
    const out = path.join(deep, "p".repeat(4_050 - Buffer.byteLength(deep) - 1));
    const result = await build({ contentDir: s.content, templatesDir: TEMPLATES, outDir: out, now: FIXTURE_NOW });
    expect(result.diagnostics.map((d) => d.code)).toEqual(["out-dir-unsafe"]);
    expect(result.diagnostics[0]!.message).toMatch(/^the output folder's path is too long for the site: .+ in it would have a path of \d+ bytes \(at most 4095\)$/);
    expect(existsSync(deep)).toBe(false);
  });

  it("stops, rather than retrying forever, where a folder exists but cannot hold a new one (/proc)", async () => {
    const s = await writeSmallSite({});
    sites.push(s);
    const result = await build({ contentDir: s.content, templatesDir: TEMPLATES, outDir: "/proc/self/broadsheet-site", now: FIXTURE_NOW });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["out-dir-unsafe"]);
    expect(result.diagnostics[0]!.message).toMatch(/cannot be made \(ENOENT/);
  }, 20_000);

  it("refuses a folder of other files put where its output was, although the cache beside it describes an output of that name", async () => {
    const s = await writeSmallSite({});
    sites.push(s);
    const options = { contentDir: s.content, templatesDir: TEMPLATES, outDir: s.out, now: FIXTURE_NOW };
    expect((await build(options)).ok).toBe(true);
    rmSync(s.out, { recursive: true });
    mkdirSync(s.out);
    writeFileSync(path.join(s.out, "thesis.md"), "mine");
    const again = await build(options);
    expect(again.diagnostics.map((d) => d.code)).toEqual(["out-dir-unsafe"]);
    expect(await listFiles(s.out)).toEqual(["thesis.md"]);
  });

  it("takes its own output restored from a backup (another folder, every entry in the manifest), index.html deleted by hand", async () => {
    const s = await writeSmallSite({});
    sites.push(s);
    const options = { contentDir: s.content, templatesDir: TEMPLATES, outDir: s.out, now: FIXTURE_NOW };
    expect((await build(options)).ok).toBe(true);
    rmSync(path.join(s.out, "index.html"));
    cpSync(s.out, `${s.out}.backup`, { recursive: true });
    rmSync(s.out, { recursive: true });
    renameSync(`${s.out}.backup`, s.out);
    const again = await build({ ...options, noCache: true });
    expect(again.diagnostics).toEqual([]);
    expect(readFileSync(path.join(s.out, "index.html"), "utf8")).toContain("<!doctype html>");
  });

  it("builds into the folder a symbolic link names, and keeps the link", async () => {
    const s = await writeSmallSite({});
    sites.push(s);
    mkdirSync(path.join(s.root, "target"));
    symlinkSync("target", path.join(s.root, "link"));
    const result = await build({ contentDir: s.content, templatesDir: TEMPLATES, outDir: path.join(s.root, "link"), now: FIXTURE_NOW });
    expect(result.diagnostics).toEqual([]);
    expect(lstatSync(path.join(s.root, "link")).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(s.root, "target", "index.html"), "utf8")).toContain("<!doctype html>");
  });

  it("takes an empty folder, or a site whose cache is gone (index.html and sitemap.xml at its top), and replaces it", async () => {
    const site = (out: string) => mkdirSync(out) ?? ["index.html", "sitemap.xml", "stale.html"].forEach((f) => writeFileSync(path.join(out, f), "old"));
    for (const make of [(out: string) => mkdirSync(out), site]) {
      const { result, problems, html } = await buildFiles({}, { outDir: (site) => { const out = path.join(site.root, "site"); make(out); return out; } });
      expect(problems).toEqual([]);
      expect(result.ok).toBe(true);
      expect(await html("index.html")).toContain("<!doctype html>");
      await expect(html("stale.html")).rejects.toThrow(/ENOENT/);
    }
  });
});

describe("the paths of a folder's files", () => {
  // Loading names each of thousands of files from its folder's path, worked out once (pathsUnder): as
  // path.join and displayPath name it, wherever the folder is and however it is written.
  it("are those path.join and displayPath give, inside and outside the working folder", () => {
    const here = process.cwd();
    const folders = ["content/articles", "./content//articles/", path.join(here, "content/articles"), "/srv/site/content/articles", "../elsewhere/articles", ".", here, path.dirname(here)];
    for (const dir of folders) {
      const under = pathsUnder(dir);
      for (const rel of ["a.md", "2024/07/story.md", "deep/er/still/x.markdown"]) {
        const abs = path.join(dir, rel);
        expect({ dir, rel, ...under(rel) }).toEqual({ dir, rel, abs, file: displayPath(abs) });
      }
    }
  });
});
