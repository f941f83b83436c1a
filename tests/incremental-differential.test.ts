import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { build, type BuildOptions, type BuildResult } from "../src/build.js";
import { checkStamp } from "../src/build-stamp.js";
import type { Diagnostic } from "../src/errors/diagnostic.js";
import { cli } from "./cli-spawn.js";
import { FIXTURE_NOW, TEMPLATES } from "./helpers.js";
import { BASE } from "./small-site.js";
import { keepSnapshots } from "../src/write/site-snapshot.js";
import { keepManifests } from "../src/write/manifest.js";

// A seeded, randomized differential test of incremental builds. A generated newsroom (40-50 articles, four
// categories, authors, tags, static pages, scheduled stories, aliases, a draft, lead and body images, an embed, a
// video, a warning) goes through a sequence of operations: body edits (appended, a word changed, the same size),
// front matter edits (title, dek, tags, authors, category, date, updated, video), stories published (newest,
// back-dated, at another story's instant, scheduled, through a symbolic link), deleted, renamed (slug changed or
// kept), aliases added or turned from file to folder, drafts, the clock moved on (to a scheduled story's minute,
// a second before, past the news sitemap's two-day window) or back, static pages, site.yml, authors.yml,
// templates and theme assets, media, build options (--drafts, --future, --base-url), editor leftovers, CRLF and
// BOM, touched files, damaged caches, output and cache folders restored as a CI runner does (the last build's or
// an older one's, after a fresh checkout, some damaged), no-op builds, and content errors (each fixed at the next
// step). Every operation comes once in each sequence (in a shuffled order); the other steps are drawn by weight.
//
// After each step the site is built incrementally into a persistent output folder (with its cache) and cold
// (noCache, fresh output and cache folders, the same clock and options). The two trees must hold the same files
// and folders, byte for byte, and the builds must report the same counts, next scheduled story and warnings; a
// build of broken content must fail like the cold one and leave the output folder as it was (bytes and times);
// and an incremental build must not write a file whose bytes did not change (media copies aside: they are known
// by their source's size and time). Incremental builds run through the real CLI (bin/broadsheet.js, on dist/: so
// body edits take its in-thread resumed build, the others its heap-capped worker), and through the in-process
// build() with workerThreshold 0 (the second thread renders and splices pages; half the time it is opened before
// the pipeline, as the CLI's worker does when it found no resume).
//
// Environment:
//   DIFF_SEEDS=0x5eed01,7    the sequences to run (default: two)
//   DIFF_STEPS=34            steps per sequence (the operations depend on it)
//   DIFF_STOP=17             stop after this step: a failure prints the line that replays it
//   DIFF_MODES=cli,inproc    which incremental builds to check
//   DIFF_EXCLUDE=clock-back  operations left out (names in `ops`)
//   DIFF_VERBOSE=1           print each step and how each build started; DIFF_KEEP=1 keeps the temp folders

// The in-process builds keep the snapshot site they resumed from, and the manifest they saved, for the next,
// as `build --watch` does (one thread runs every build); the CLI's builds read them from disk, one process each.
keepSnapshots();
keepManifests();

const SEEDS = (process.env.DIFF_SEEDS ?? "0x5eed01,0xb4d5e7").split(",").map((s) => Number(s.trim()));
const STEPS = Number(process.env.DIFF_STEPS ?? 34);
/** Stop after this step (a replay); the operations are those of the whole sequence of STEPS. */
const STOP = Number(process.env.DIFF_STOP ?? STEPS);
const MODES = (process.env.DIFF_MODES ?? "cli,inproc").split(",") as Mode[];
const VERBOSE = process.env.DIFF_VERBOSE === "1";
type Mode = "cli" | "inproc";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Asia/Baku is UTC+4 all year: local dates are written with this offset. */
const ZONE_OFFSET = 4 * HOUR;

// ---------------------------------------------------------------------------------------------------------
// A deterministic PRNG (mulberry32): never Math.random, so a seed gives the same sequence every time.

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error("pick from an empty list");
    return list[this.int(list.length)]!;
  }
  some<T>(list: readonly T[], n: number): T[] {
    const copy = [...list];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(this.int(copy.length), 1)[0]!);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The newsroom, as a model written to files. Every change goes through the model, so the generator always
// knows which slugs, aliases and authors exist and makes valid content unless it means to break it.

const WORDS = (
  "port deal signed minister budget vote delayed tanker ferry harbour rally summit accord election season " +
  "inflation rate bank reform grain wheat river drought heat storm market shares energy pipeline railway " +
  "border talks council mayor school strike court ruling transit bridge museum festival league coach"
).split(" ");
const TAGS = ["oil", "gas", "Oil", "central asia", "elections", "weather", "Türkiye", "trade", "sport", "culture", "energy", "?!"];

interface Article {
  /** Path under content/, e.g. "articles/2024/07/port-deal.md". */
  rel: string;
  title: string;
  subtitle?: string;
  category: string;
  authors: string[];
  date: number;
  /** "local": `2024-07-05 17:38` in the site zone; "iso": `2024-07-05T13:38:00Z`. */
  dateStyle: "local" | "iso";
  updated?: number;
  tags: string[];
  slug?: string;
  draft?: boolean;
  aliases: string[];
  image?: boolean;
  /** An unknown field: a warning the resumed build must report again. */
  mood?: string;
  video?: boolean;
  /** Written with CRLF line endings, or with a UTF-8 BOM. */
  crlf?: boolean;
  bom?: boolean;
  /** The file is a symbolic link to this file under content/ (outside articles/). */
  link?: string;
  body: string;
}

interface StaticPage {
  rel: string;
  title: string;
  subtitle?: string;
  body: string;
}

interface Config {
  title: string;
  description?: string;
  latestNewsCount: number;
  readAlsoCount: number;
  pageSize: number;
  feedCount: number;
  telegram: boolean;
  dateFormat?: string;
  logo: boolean;
  language: string;
  allowHtml: boolean;
  categories: [string, string][];
}

interface Author {
  id: string;
  name: string;
  bio?: string;
  url?: string;
}

/** A real 4×3 JPEG (images are decoded and resized), another picture, and a PNG with transparency. */
const PHOTO = BASE["media/photo.jpg"] as Uint8Array;
const otherPhoto = () => sharp({ create: { width: 6, height: 4, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg().toBuffer();
const chartPng = () => sharp({ create: { width: 5, height: 5, channels: 4, background: { r: 0, g: 90, b: 200, alpha: 0.5 } } }).png().toBuffer();

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
function formatDate(instant: number, style: "local" | "iso"): string {
  const d = new Date(style === "local" ? instant + ZONE_OFFSET : instant);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return style === "local" ? `${day} ${time}` : `${day}T${time}:00Z`;
}
const q = (text: string) => JSON.stringify(text);

class Newsroom {
  articles: Article[] = [];
  pages: StaticPage[] = [];
  authors: Author[] = [];
  config!: Config;
  /** Every slug ever used (also by aliases): a new story never takes an old URL, which an alias may name. */
  private used = new Set<string>();
  private counter = 0;
  /** Template variants (see the template operation). */
  templates: Record<string, number> = {};
  /** Which picture media/photo.jpg holds. */
  photo = 0;

  constructor(
    readonly root: string,
    readonly rng: Rng,
  ) {}

  get content() {
    return path.join(this.root, "content");
  }
  get templatesDir() {
    return path.join(this.root, "templates");
  }

  slugOf(a: Article): string {
    return a.slug ?? path.basename(a.rel, ".md");
  }
  urlOf(a: Article): string {
    return `/${a.category}/${this.slugOf(a)}/`;
  }
  freshSlug(): string {
    for (;;) {
      const slug = `${this.rng.pick(WORDS)}-${this.rng.pick(WORDS)}-${++this.counter}`;
      if (!this.used.has(slug)) {
        this.used.add(slug);
        return slug;
      }
    }
  }
  useSlug(slug: string): void {
    this.used.add(slug);
  }
  sentence(min = 4, max = 10): string {
    const n = this.rng.between(min, max);
    const words = Array.from({ length: n }, () => this.rng.pick(WORDS));
    return words.join(" ").replace(/^./, (c) => c.toUpperCase());
  }
  title(): string {
    const specials = ["", "", "", " & more", ": the \"new\" deal", " <b>not bold</b>", " — Türkiye’s view", " 'quoted'"];
    return this.sentence(3, 7) + this.rng.pick(specials);
  }
  body(): string {
    const parts: string[] = [];
    const n = this.rng.between(1, 4);
    for (let i = 0; i < n; i++) {
      const kind = this.rng.int(10);
      if (kind === 0) parts.push(`## ${this.sentence(2, 4)}`);
      else if (kind === 1) parts.push(`- ${this.sentence(2, 3)}\n- ${this.sentence(2, 3)}`);
      else if (kind === 2) parts.push(`> ${this.sentence()}`);
      else if (kind === 3 && this.articles.length > 0) {
        const other = this.rng.pick(this.articles);
        parts.push(`See [${this.sentence(2, 3)}](${this.urlOf(other)}) and **${this.rng.pick(WORDS)}**.`);
      } else parts.push(`${this.sentence(6, 16)}. ${this.sentence(4, 12)}.`);
    }
    return `${parts.join("\n\n")}\n`;
  }

  newArticle(date: number, extra: Partial<Article> = {}): Article {
    const slug = this.freshSlug();
    const folder = this.rng.pick(["", "2024/07/", "2024/08/", "desk/"]);
    const a: Article = {
      rel: `articles/${folder}${slug}.md`,
      title: this.title(),
      category: this.rng.pick(this.config.categories)[0],
      authors: this.rng.some(this.authors.map((x) => x.id), this.rng.pick([0, 1, 1, 1, 2])),
      date,
      dateStyle: this.rng.chance(0.5) ? "local" : "iso",
      tags: [...new Set(this.rng.some(TAGS, this.rng.pick([0, 1, 2, 3])))],
      aliases: [],
      body: this.body(),
      ...extra,
    };
    if (this.rng.chance(0.35)) a.subtitle = this.sentence(4, 8);
    if (this.rng.chance(0.15)) a.updated = date + this.rng.between(10, 600) * MINUTE;
    return a;
  }

  generate(now: number): void {
    this.config = {
      title: "The Differential Times",
      description: "Every build the same.",
      latestNewsCount: 8,
      readAlsoCount: 4,
      pageSize: this.rng.pick([5, 6, 7]),
      feedCount: 10,
      telegram: true,
      logo: false,
      language: "en",
      allowHtml: false,
      categories: [["politics", "Politics"], ["world", "World"], ["economy", "Economy"], ["sport", "Sport"]],
    };
    this.authors = [
      { id: "anna", name: "Anna Karimova", bio: "Economics editor." },
      { id: "bob", name: "Bob Tran" },
      { id: "celine", name: "Céline D’Arcy", bio: "Correspondent <abroad>." },
      { id: "dan", name: "Dan Osei" },
    ];
    const n = this.rng.between(40, 50);
    for (let i = 0; i < n; i++) {
      // Mostly June and July, a few within the news sitemap's two days, some at the very same minute.
      const recent = this.rng.chance(0.15);
      let date = recent ? now - this.rng.between(10, 47 * 60) * MINUTE : now - this.rng.between(3 * 24 * 60, 60 * 24 * 60) * MINUTE;
      if (i > 0 && this.rng.chance(0.08)) date = this.articles[i - 1]!.date;
      this.articles.push(this.newArticle(date));
    }
    // Scheduled stories, a draft, an alias, lead images, a body with an image, an embed, a warning.
    for (let i = 0; i < 3; i++) this.articles.push(this.newArticle(now + this.rng.between(30, 3 * 24 * 60) * MINUTE));
    this.articles.push(this.newArticle(now - 3 * DAY, { draft: true }));
    const withAlias = this.rng.pick(this.articles.slice(0, n));
    withAlias.aliases.push(`/2019/05/${this.freshSlug()}.html`);
    for (const a of this.rng.some(this.articles.slice(0, n), 2)) a.image = true;
    this.rng.pick(this.articles.slice(0, n)).body += "\n![A chart of tanker traffic](/media/photo.jpg)\n";
    this.rng.pick(this.articles.slice(0, n)).body += "\n::: embed https://www.youtube.com/watch?v=aqz-KE-bpKQ\nThe closing news conference\n:::\n";
    this.rng.pick(this.articles.slice(0, n)).mood = "sunny";
    this.rng.pick(this.articles.slice(0, n)).video = true;
    this.rng.pick(this.articles.slice(0, n)).body += "\n<aside class=\"note\">Raw <em>HTML</em>, shown only with allowHtml.</aside>\n";
    this.pages = [
      { rel: "pages/about.md", title: "About us", body: `${this.sentence(8, 14)}.\n` },
      { rel: "pages/contacts.md", title: "Contacts", subtitle: "Write to the desk", body: `${this.sentence(8, 14)}.\n` },
    ];
    this.useSlug("about");
    this.useSlug("contacts");
  }

  articleText(a: Article): string {
    const lines = [`title: ${q(a.title)}`];
    if (a.subtitle !== undefined) lines.push(`subtitle: ${q(a.subtitle)}`);
    lines.push(`category: ${a.category}`);
    if (a.authors.length === 1) lines.push(`author: ${a.authors[0]}`);
    else if (a.authors.length > 1) lines.push(`author: [${a.authors.join(", ")}]`);
    lines.push(`date: ${formatDate(a.date, a.dateStyle)}`);
    if (a.updated !== undefined) lines.push(`updated: ${formatDate(a.updated, a.dateStyle)}`);
    if (a.tags.length > 0) lines.push(`tags: [${a.tags.map(q).join(", ")}]`);
    if (a.slug !== undefined) lines.push(`slug: ${a.slug}`);
    if (a.draft) lines.push("draft: true");
    if (a.aliases.length > 0) lines.push(`aliases: [${a.aliases.map(q).join(", ")}]`);
    if (a.image) lines.push("image: /media/photo.jpg", `imageAlt: ${q("Tankers at the port")}`, `imageCaption: ${q("The port at dawn.")}`);
    if (a.video) lines.push("video: https://www.youtube.com/watch?v=aqz-KE-bpKQ");
    if (a.mood !== undefined) lines.push(`mood: ${a.mood}`);
    const text = `---\n${lines.join("\n")}\n---\n${a.body}`;
    return `${a.bom ? "\uFEFF" : ""}${a.crlf ? text.replace(/\n/g, "\r\n") : text}`;
  }
  pageText(p: StaticPage): string {
    const lines = [`title: ${q(p.title)}`];
    if (p.subtitle !== undefined) lines.push(`subtitle: ${q(p.subtitle)}`);
    return `---\n${lines.join("\n")}\n---\n${p.body}`;
  }
  siteText(): string {
    const c = this.config;
    const lines = [
      `title: ${q(c.title)}`,
      "baseUrl: https://news.example/",
      `language: ${c.language}`,
      "timeZone: Asia/Baku",
      `latestNewsCount: ${c.latestNewsCount}`,
      `readAlsoCount: ${c.readAlsoCount}`,
      `pageSize: ${c.pageSize}`,
      `feedCount: ${c.feedCount}`,
    ];
    if (c.description !== undefined) lines.push(`description: ${q(c.description)}`);
    if (c.dateFormat !== undefined) lines.push(`dateFormat: ${q(c.dateFormat)}`);
    if (c.logo) lines.push("logo: /media/photo.jpg");
    if (c.allowHtml) lines.push("allowHtml: true");
    if (c.telegram) lines.push("telegram: https://t.me/differential");
    lines.push("categories:", ...c.categories.map(([id, name]) => `  ${id}: ${q(name)}`));
    return `${lines.join("\n")}\n`;
  }
  authorsText(): string {
    return this.authors.map((a) => `${a.id}:\n  name: ${q(a.name)}\n${a.bio !== undefined ? `  bio: ${q(a.bio)}\n` : ""}${a.url !== undefined ? `  url: ${a.url}\n` : ""}`).join("");
  }

  async write(rel: string, text: string | Uint8Array): Promise<void> {
    const abs = path.join(this.content, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, text);
  }
  async writeArticle(a: Article): Promise<void> {
    if (!a.link) return this.write(a.rel, this.articleText(a));
    await this.write(a.link, this.articleText(a));
    const abs = path.join(this.content, a.rel);
    if (!existsSync(abs)) {
      await mkdir(path.dirname(abs), { recursive: true });
      await symlink(path.relative(path.dirname(abs), path.join(this.content, a.link)), abs);
    }
  }
  /** Removes an article's file (a link, not what it leads to). */
  async removeArticle(a: Article): Promise<void> {
    await rm(path.join(this.content, a.rel));
    a.link = undefined;
  }
  writePage = (p: StaticPage) => this.write(p.rel, this.pageText(p));
  writeSite = () => this.write("site.yml", this.siteText());
  writeAuthors = () => this.write("authors.yml", this.authorsText());

  async writeAll(): Promise<void> {
    await cp(TEMPLATES, this.templatesDir, { recursive: true });
    await this.write("media/photo.jpg", PHOTO);
    await this.writeSite();
    await this.writeAuthors();
    for (const a of this.articles) await this.writeArticle(a);
    for (const p of this.pages) await this.writePage(p);
  }

  usedAuthors(): Set<string> {
    return new Set(this.articles.flatMap((a) => a.authors));
  }
  usedCategories(): Set<string> {
    return new Set(this.articles.map((a) => a.category));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Operations. Each changes the site (and maybe the clock) and says what it did; undefined: not applicable now.
// An operation that breaks the content returns a `fix`, which is the next step; one may also name a `followUp`.

/** Build options besides the clock: both builds of a step get the same. */
interface Flags {
  drafts: boolean;
  future: boolean;
  baseUrl?: string;
}
interface World {
  site: Newsroom;
  rng: Rng;
  now: number;
  flags: Flags;
  /** Each incremental build's output folder and the cache folder beside it. */
  folders: { out: string; cache: string }[];
}
interface Outcome {
  what: string;
  /** The builds must fail; `fix` (the next step) repairs the content. */
  fix?: () => Promise<string>;
  /** The next step (that one must build). */
  followUp?: () => Promise<string>;
  /** The output folders were changed from outside (restored). */
  outputChanged?: true;
}
type Op = { name: string; weight: number; run: (w: World) => Promise<Outcome | undefined> };

const describeA = (a: Article) => `${a.rel}${a.draft ? " (draft)" : ""}`;

/**
 * Where `pattern` matches in the prose of a body: not in a link's or image's target, an HTML tag or an embed line
 * (an edit there could name a picture that does not exist, which is an error no step meant).
 */
function prose(body: string, pattern: RegExp): number[] {
  const masked = body.replace(/\]\([^)]*\)|<[^>]*>|^::: .*$/gm, (m) => " ".repeat(m.length));
  return [...masked.matchAll(pattern)].map((m) => m.index!);
}

/** Replaces one letter of a body's prose by another (the same byte length). */
function sameSizeEdit(rng: Rng, body: string): string | undefined {
  const spots = prose(body, /[a-z]/g);
  if (spots.length === 0) return undefined;
  const at = rng.pick(spots);
  const old = body[at]!;
  const next = old === "x" ? "y" : "x";
  return body.slice(0, at) + next + body.slice(at + 1);
}

const templateEdits: Record<string, [string, string][]> = {
  // [file, [from, to]...]: variant i replaces from with to.
  "partials/item.eta": [['class="item-meta"', 'class="item-meta edited"']],
  "partials/latest-news.eta": [['<h2 id="latest-news-title">Latest news</h2>', '<h2 id="latest-news-title">Latest stories</h2>']],
  "layout.eta": [["</footer>", "<p class=\"colophon\">Made with Broadsheet.</p></footer>"]],
  "article.eta": [['<h2 id="read-also-title">Read also</h2>', '<h2 id="read-also-title">Read more</h2>']],
  "assets/site.css": [["--accent:", "--unused: 0;\n  --accent:"]],
};

/**
 * Puts `mark` in article.eta after the article (or takes it out); then a story is published, which changes
 * Latest news, and Read also in its category, with the theme in place.
 */
function themeOp(name: string, mark: string, says: string): Op {
  return {
    name,
    weight: 1,
    async run(world) {
      const { site, rng } = world;
      const abs = path.join(site.templatesDir, "article.eta");
      const text = await readFile(abs, "utf8");
      const on = !text.includes(mark);
      await writeFile(abs, on ? text.replace("</article>", `</article>${mark}`) : text.replace(mark, ""));
      const followUp = async () => {
        const a = site.newArticle(world.now - rng.between(0, 30) * MINUTE);
        site.articles.push(a);
        await site.writeArticle(a);
        return `publish ${a.rel} (newest, ${formatDate(a.date, "iso")})`;
      };
      return { what: `${on ? "edit" : "revert"} article.eta: ${says} on stories before July 25`, followUp };
    },
  };
}

const ops: Op[] = [
  {
    name: "body",
    weight: 18,
    async run({ site, rng }) {
      // A body edit: appended to, a word changed, or the same size (one letter for another).
      const a = rng.pick(site.articles);
      const kind = rng.pick(["append", "append", "append", "word", "word", "same size", "same size"]);
      if (kind === "append") a.body += `\n${site.sentence(5, 12)}.\n`;
      else if (kind === "word") {
        const spots = prose(a.body, /\b[a-z]{4,}\b/g);
        if (spots.length === 0) return undefined;
        const at = rng.pick(spots);
        const word = /^[a-z]+/.exec(a.body.slice(at))![0];
        a.body = a.body.slice(0, at) + rng.pick(WORDS) + a.body.slice(at + word.length);
      } else {
        const body = sameSizeEdit(rng, a.body);
        if (body === undefined) return undefined;
        a.body = body;
      }
      await site.writeArticle(a);
      return { what: `edit the body of ${describeA(a)} (${kind})` };
    },
  },
  {
    name: "bodies-several",
    weight: 3,
    async run({ site, rng }) {
      const picked = rng.some(site.articles, rng.between(2, 4));
      for (const a of picked) {
        a.body = rng.chance(0.5) ? `${site.sentence()}.\n\n${a.body}` : (sameSizeEdit(rng, a.body) ?? a.body);
        await site.writeArticle(a);
      }
      const page = rng.chance(0.4) ? rng.pick(site.pages) : undefined;
      if (page) {
        page.body += `\n${site.sentence()}.\n`;
        await site.writePage(page);
      }
      return { what: `edit the bodies of ${picked.map((a) => a.rel).join(", ")}${page ? ` and ${page.rel}` : ""}` };
    },
  },
  {
    name: "body-embed-or-blank",
    weight: 1,
    async run({ site, rng }) {
      const a = rng.pick(site.articles);
      const kind = rng.int(3);
      if (kind === 0) a.body += "\n::: embed https://x.com/differential/status/1862123456789012345\nDeclaration adopted.\n— The Desk (@differential)\n:::\n";
      else if (kind === 1) a.body = "\n";
      else a.body += "\n![A second chart](/media/photo.jpg)\n";
      await site.writeArticle(a);
      return { what: `${["add an embed to", "blank", "add an image to"][kind]} the body of ${describeA(a)}` };
    },
  },
  {
    name: "front-matter",
    weight: 10,
    async run({ site, rng }) {
      const a = rng.pick(site.articles);
      const kind = rng.pick(["title", "title", "dek", "tags", "authors", "video", "slug"]);
      let what: string;
      if (kind === "title") what = `retitle ${describeA(a)} to ${q((a.title = site.title()))}`;
      else if (kind === "dek") {
        a.subtitle = a.subtitle === undefined || rng.chance(0.5) ? site.sentence(3, 7) : undefined;
        what = `${a.subtitle === undefined ? "remove the dek of" : "set the dek of"} ${describeA(a)}`;
      } else if (kind === "tags") {
        a.tags = [...new Set(rng.some(TAGS, rng.between(0, 3)))];
        what = `set the tags of ${describeA(a)} to ${q(a.tags.join("|"))}`;
      } else if (kind === "authors") {
        a.authors = rng.some(site.authors.map((x) => x.id), rng.between(0, 2));
        what = `set the authors of ${describeA(a)} to ${q(a.authors.join(","))}`;
      } else if (kind === "slug") {
        // A new URL, the old one kept as an alias (as the README asks) half the time.
        const old = site.urlOf(a);
        a.slug = site.freshSlug();
        if (rng.chance(0.5)) a.aliases.push(old);
        what = `set the slug of ${describeA(a)} to ${a.slug}${a.aliases.includes(old) ? `, alias ${old}` : ""}`;
      } else {
        a.video = !a.video || undefined;
        what = `${a.video ? "make a video piece of" : "drop the video of"} ${describeA(a)}`;
      }
      await site.writeArticle(a);
      return { what };
    },
  },
  {
    name: "edit-category",
    weight: 2,
    async run({ site, rng }) {
      const a = rng.pick(site.articles);
      const others = site.config.categories.map(([id]) => id).filter((id) => id !== a.category);
      const oldUrl = site.urlOf(a);
      a.category = rng.pick(others);
      // As the README asks, the old URL becomes an alias; one that is the story's URL again is dropped.
      a.aliases = a.aliases.filter((x) => x !== site.urlOf(a));
      const alias = rng.chance(0.6);
      if (alias) a.aliases.push(oldUrl);
      await site.writeArticle(a);
      return { what: `move ${describeA(a)} to ${a.category}${alias ? `, alias ${oldUrl}` : ""}` };
    },
  },
  {
    name: "edit-date",
    weight: 3,
    async run({ site, rng, now }) {
      const a = rng.pick(site.articles);
      const kind = rng.int(4);
      if (kind === 0) a.date = now - rng.between(1, 47 * 60) * MINUTE; // into the news sitemap's window
      else if (kind === 1) a.date = now - rng.between(3 * 24 * 60, 40 * 24 * 60) * MINUTE;
      else if (kind === 2) a.updated = a.date + rng.between(1, 300) * MINUTE;
      else a.updated = undefined;
      if (a.updated !== undefined && a.updated < a.date) a.updated = undefined;
      await site.writeArticle(a);
      return { what: `${["date (recent)", "date (older)", "set updated of", "drop updated of"][kind]} ${describeA(a)} → ${formatDate(a.date, "iso")}` };
    },
  },
  {
    name: "publish-newest",
    weight: 4,
    async run({ site, rng, now }) {
      const a = site.newArticle(now - rng.between(0, 30) * MINUTE);
      site.articles.push(a);
      await site.writeArticle(a);
      return { what: `publish ${a.rel} (newest, ${formatDate(a.date, "iso")})` };
    },
  },
  {
    name: "publish-backdated",
    weight: 2,
    async run({ site, rng, now }) {
      const same = rng.chance(0.3) ? rng.pick(site.articles) : undefined;
      const a = site.newArticle(same ? same.date : now - rng.between(2 * 24 * 60, 50 * 24 * 60) * MINUTE);
      site.articles.push(a);
      await site.writeArticle(a);
      return { what: `publish ${a.rel} (back-dated to ${formatDate(a.date, "iso")}${same ? `, the instant of ${same.rel}` : ""})` };
    },
  },
  {
    name: "delete",
    weight: 2,
    async run({ site, rng }) {
      if (site.articles.length < 30) return undefined;
      const a = rng.pick(site.articles);
      site.articles.splice(site.articles.indexOf(a), 1);
      await site.removeArticle(a);
      return { what: `delete ${describeA(a)}` };
    },
  },
  {
    name: "rename-file",
    weight: 3,
    async run({ site, rng }) {
      const a = rng.pick(site.articles);
      const oldRel = a.rel;
      const oldUrl = site.urlOf(a);
      const kind = a.slug === undefined ? rng.int(3) : 2;
      if (kind === 2) {
        // Another folder, same slug (set in the front matter): the URL stays, the file changes.
        a.slug ??= path.basename(a.rel, ".md");
        a.rel = `articles/${rng.pick(["moved/", "2024/06/", ""])}${site.freshSlug()}.md`;
      } else a.rel = `${path.dirname(a.rel)}/${site.freshSlug()}.md`;
      const alias = kind === 1;
      if (alias) a.aliases.push(oldUrl);
      await rm(path.join(site.content, oldRel));
      a.link = undefined;
      await site.writeArticle(a);
      return { what: `rename ${oldRel} to ${a.rel}${kind === 2 ? ` (slug ${a.slug} kept)` : ""}${alias ? `, alias ${oldUrl}` : ""}` };
    },
  },
  {
    name: "add-alias",
    weight: 2,
    async run({ site, rng }) {
      const a = rng.pick(site.articles);
      const alias = rng.chance(0.5) ? `/old/${site.freshSlug()}/` : `/${rng.int(2) + 2018}/0${rng.between(1, 9)}/${site.freshSlug()}.html`;
      a.aliases.push(alias);
      await site.writeArticle(a);
      return { what: `add alias ${alias} to ${describeA(a)}` };
    },
  },
  {
    name: "toggle-draft",
    weight: 2,
    async run({ site, rng }) {
      const a = rng.pick(site.articles);
      a.draft = !a.draft || undefined;
      await site.writeArticle(a);
      return { what: `${a.draft ? "make a draft of" : "publish the draft"} ${a.rel}` };
    },
  },
  {
    name: "schedule",
    weight: 3,
    async run({ site, rng, now }) {
      const date = now + rng.between(5, 30 * 60) * MINUTE;
      if (rng.chance(0.5)) {
        const a = site.newArticle(date);
        site.articles.push(a);
        await site.writeArticle(a);
        return { what: `schedule a new story ${a.rel} for ${formatDate(date, "iso")}` };
      }
      const a = rng.pick(site.articles.filter((x) => x.date <= now && !x.draft));
      a.date = date;
      if (a.updated !== undefined && a.updated < a.date) a.updated = undefined;
      await site.writeArticle(a);
      return { what: `reschedule ${a.rel} for ${formatDate(date, "iso")}` };
    },
  },
  {
    name: "clock",
    weight: 4,
    async run(w) {
      const { site, rng, flags } = w;
      const before = w.now;
      // The next moment the site changes by the clock alone: a scheduled story comes out (with --future, it loses
      // its mark), or the oldest story of the news sitemap leaves its two-day window. The clock goes to that very
      // second, a second before it, past it, or on by some hours.
      const shown = site.articles.filter((a) => flags.drafts || !a.draft);
      const events = [...shown.filter((a) => a.date > w.now).map((a) => a.date), ...shown.filter((a) => a.date <= w.now && a.date > w.now - 2 * DAY).map((a) => a.date + 2 * DAY)];
      const next = events.length > 0 ? Math.min(...events) : undefined;
      const picked = rng.pick(["at", "at", "just before", "past", "hours"]);
      const kind = next === undefined ? "hours" : picked;
      if (next !== undefined && kind === "at") w.now = next;
      else if (next !== undefined && kind === "just before") w.now = Math.max(w.now, next - 1000);
      else if (next !== undefined && kind === "past") w.now = next + rng.between(1, 90) * MINUTE;
      else w.now += rng.between(10, 36 * 60) * MINUTE;
      w.now = Math.floor(w.now / 1000) * 1000;
      return { what: `advance the clock by ${(w.now - before) / 1000} s (${kind}) to ${new Date(w.now).toISOString()}` };
    },
  },
  {
    name: "edit-page",
    weight: 2,
    async run({ site, rng }) {
      const p = rng.pick(site.pages);
      const kind = rng.int(3);
      if (kind === 0) p.body += `\n${site.sentence()}.\n`;
      else if (kind === 1) p.title = site.sentence(1, 3);
      else p.subtitle = p.subtitle === undefined ? site.sentence(3, 6) : undefined;
      await site.writePage(p);
      return { what: `${["edit the body of", "retitle", "toggle the dek of"][kind]} ${p.rel}` };
    },
  },
  {
    name: "add-or-remove-page",
    weight: 1,
    async run({ site, rng }) {
      if (site.pages.length > 2 && rng.chance(0.5)) {
        const p = site.pages.pop()!;
        await rm(path.join(site.content, p.rel));
        return { what: `delete the page ${p.rel}` };
      }
      const p = { rel: `pages/${site.freshSlug()}.md`, title: site.sentence(1, 3), body: `${site.sentence()}.\n` };
      site.pages.push(p);
      await site.writePage(p);
      return { what: `add the page ${p.rel}` };
    },
  },
  {
    name: "site-yml",
    weight: 3,
    async run({ site, rng }) {
      const c = site.config;
      const kind = rng.int(13);
      let what: string;
      if (kind === 9) {
        const [i, j] = rng.some([...c.categories.keys()], 2) as [number, number];
        [c.categories[i], c.categories[j]] = [c.categories[j]!, c.categories[i]!];
        what = `categories in the order ${c.categories.map(([id]) => id).join(", ")}`;
      } else if (kind === 10) what = `language → ${(c.language = c.language === "en" ? "az" : "en")}`;
      else if (kind === 11) what = `allowHtml → ${(c.allowHtml = !c.allowHtml)}`;
      else if (kind === 12) what = `telegram → ${(c.telegram = !c.telegram)}`;
      else if (kind === 7) what = `dateFormat → ${(c.dateFormat = c.dateFormat === undefined ? "d MMMM yyyy, HH:mm" : undefined)}`;
      else if (kind === 8) what = `logo → ${(c.logo = !c.logo)}`;
      else if (kind === 0) what = `pageSize ${c.pageSize} → ${(c.pageSize = rng.pick([4, 5, 6, 8, 20].filter((n) => n !== c.pageSize)))}`;
      else if (kind === 1) what = `title → ${(c.title = `${site.sentence(2, 3)} Times`)}`;
      else if (kind === 2) what = `latestNewsCount ${c.latestNewsCount} → ${(c.latestNewsCount = rng.pick([3, 6, 8, 12].filter((n) => n !== c.latestNewsCount)))}`;
      else if (kind === 3) what = `readAlsoCount ${c.readAlsoCount} → ${(c.readAlsoCount = rng.pick([2, 4, 6].filter((n) => n !== c.readAlsoCount)))}`;
      else if (kind === 4) what = `feedCount ${c.feedCount} → ${(c.feedCount = rng.pick([3, 10, 50].filter((n) => n !== c.feedCount)))}`;
      else if (kind === 5) {
        const cat = rng.pick(c.categories);
        cat[1] = `${site.sentence(1, 2)}`;
        what = `rename the category ${cat[0]} to ${q(cat[1])}`;
      } else {
        const spare = c.categories.find(([id]) => id === "culture");
        if (spare && !site.usedCategories().has("culture")) {
          c.categories.splice(c.categories.indexOf(spare), 1);
          what = "remove the unused category culture";
        } else if (!spare) {
          c.categories.push(["culture", "Culture"]);
          what = "add the category culture";
        } else {
          c.description = c.description === undefined ? site.sentence() : undefined;
          what = "toggle the description";
        }
      }
      await site.writeSite();
      return { what: `site.yml: ${what}` };
    },
  },
  {
    name: "authors-yml",
    weight: 2,
    async run({ site, rng }) {
      const kind = rng.int(5);
      let what: string;
      if (kind === 3) {
        site.authors.push(site.authors.shift()!);
        what = `authors in the order ${site.authors.map((a) => a.id).join(", ")}`;
      } else if (kind === 4) {
        const a = rng.pick(site.authors);
        a.url = a.url === undefined ? `https://example.com/${a.id}` : undefined;
        what = `toggle the url of ${a.id}`;
      } else if (kind === 0) {
        const a = rng.pick(site.authors);
        a.name = `${rng.pick(["Anna", "Bob", "Kamal", "Lena"])} ${rng.pick(["Smith", "Aliyev", "Okafor", "D’Arcy"])}`;
        what = `rename ${a.id} to ${q(a.name)}`;
      } else if (kind === 1) {
        const a = rng.pick(site.authors);
        a.bio = a.bio === undefined ? site.sentence(3, 6) : undefined;
        what = `toggle the bio of ${a.id}`;
      } else {
        const unused = site.authors.filter((a) => !site.usedAuthors().has(a.id) && a.id.startsWith("guest"));
        if (unused.length > 0 && rng.chance(0.5)) {
          site.authors.splice(site.authors.indexOf(unused[0]!), 1);
          what = `remove the unused author ${unused[0]!.id}`;
        } else {
          const id = `guest-${site.freshSlug()}`;
          site.authors.push({ id, name: site.sentence(2, 2) });
          what = `add the author ${id}`;
        }
      }
      await site.writeAuthors();
      return { what: `authors.yml: ${what}` };
    },
  },
  // Themes that use Latest news, or Read also, other than as the default theme prints it, on some pages of a
  // kind only: the README says such a block is not replaced in pages' previous bytes.
  themeOp("theme-latest", '<% if (it.article.time.iso < "2024-07-25") { %><p data-latest="<%= it.latestNews.length %>"></p><% } %>', "print the length of Latest news"),
  themeOp("theme-readalso", '<% if (it.article.time.iso < "2024-07-25") { %><p data-first-also="<%= it.readAlso[0]?.title %>"></p><% } %>', "print the first story of Read also"),
  {
    name: "template",
    weight: 3,
    async run({ site, rng }) {
      if (rng.chance(0.3)) {
        const file = path.join(site.templatesDir, "assets", rng.pick(["extra.js", "icons/mark.svg"]));
        if (existsSync(file)) {
          await rm(file);
          return { what: `remove the theme asset ${path.relative(site.templatesDir, file)}` };
        }
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, file.endsWith(".js") ? `console.log(${rng.int(1000)});\n` : '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
        return { what: `add the theme asset ${path.relative(site.templatesDir, file)}` };
      }
      const file = rng.pick(Object.keys(templateEdits));
      const [[from, to]] = templateEdits[file]! as [[string, string]];
      const abs = path.join(site.templatesDir, file);
      const text = await readFile(abs, "utf8");
      const on = (site.templates[file] ?? 0) === 0;
      if (!text.includes(on ? from : to)) throw new Error(`template ${file} lacks ${on ? from : to}`);
      await writeFile(abs, on ? text.replace(from, to) : text.replace(to, from));
      site.templates[file] = on ? 1 : 0;
      return { what: `${on ? "edit" : "revert"} the template ${file}` };
    },
  },
  {
    name: "no-change",
    weight: 6,
    async run({ site, rng }) {
      // Nothing a reader sees changes: no file at all, files touched, editor leftovers, or line endings.
      const kind = rng.pick(["nothing", "touch", "touch", "leftovers", "line endings"]);
      if (kind === "nothing") return { what: "nothing (a no-op build)" };
      if (kind === "touch") {
        const choices = [
          ...site.articles.map((a) => path.join(site.content, a.rel)),
          path.join(site.content, "site.yml"),
          path.join(site.content, "authors.yml"),
          path.join(site.content, rng.pick(site.pages).rel),
          path.join(site.templatesDir, "layout.eta"),
          path.join(site.content, "media/photo.jpg"),
        ];
        const files = rng.some(choices, rng.between(1, 3));
        // A later time than any build's (the wall clock runs on), the bytes as they were.
        const time = new Date(Date.now() + rng.between(1, 1000) * 1000);
        for (const file of files) await utimes(file, time, time);
        return { what: `touch ${files.map((f) => path.relative(site.root, f)).join(", ")}` };
      }
      if (kind === "leftovers") {
        // Editor leftovers are never content; a file that is not Markdown is only a warning.
        const a = rng.pick(site.articles);
        const dir = path.dirname(a.rel);
        const name = path.basename(a.rel);
        const file = rng.pick([`${dir}/.${name}.swp`, `${dir}/${name}~`, `${dir}/.#${name}`, `${dir}/${name}.bak`, "pages/Thumbs.db", `${dir}/.DS_Store`, `${dir}/notes.txt`]);
        await site.write(file, `${site.sentence()}\n`);
        return { what: `leave ${file} beside ${a.rel}` };
      }
      const a = rng.pick(site.articles);
      if (rng.chance(0.5)) a.crlf = !a.crlf || undefined;
      else a.bom = !a.bom || undefined;
      await site.writeArticle(a);
      return { what: `write ${a.rel} with${a.crlf ? "" : "out"} CRLF and with${a.bom ? "" : "out"} a BOM` };
    },
  },
  {
    name: "clock-back",
    weight: 1,
    async run(w) {
      const { site, rng } = w;
      const before = w.now;
      const newest = site.articles.filter((a) => !a.draft && a.date <= w.now).sort((x, y) => y.date - x.date)[0];
      // Before the newest story (which is then scheduled again), or back by some hours.
      if (newest && rng.chance(0.6)) w.now = newest.date - rng.between(1, 120) * MINUTE;
      else w.now -= rng.between(10, 36 * 60) * MINUTE;
      w.now = Math.max(FIXTURE_NOW - 5 * DAY, Math.floor(w.now / 1000) * 1000);
      if (w.now >= before) return undefined;
      return { what: `set the clock back by ${Math.round((before - w.now) / MINUTE)} min to ${new Date(w.now).toISOString()}` };
    },
  },
  {
    name: "alias-flip",
    weight: 1,
    async run({ site, rng, now }) {
      // An alias written as a file (/2019/05/story.html) becomes a folder (/2019/05/story.html/), or back.
      const withHtml = site.articles.filter((a) => !a.draft && a.date <= now && a.aliases.some((x) => /\.html\/?$/.test(x)));
      if (withHtml.length === 0) return undefined;
      const a = rng.pick(withHtml);
      const i = a.aliases.findIndex((x) => /\.html\/?$/.test(x));
      const old = a.aliases[i]!;
      a.aliases[i] = old.endsWith("/") ? old.slice(0, -1) : `${old}/`;
      await site.writeArticle(a);
      return { what: `change the alias ${old} of ${a.rel} to ${a.aliases[i]}` };
    },
  },
  {
    name: "options",
    weight: 1,
    async run({ rng, flags }) {
      const kind = rng.int(3);
      if (kind === 0) flags.drafts = !flags.drafts;
      else if (kind === 1) flags.future = !flags.future;
      else flags.baseUrl = rng.pick([undefined, "https://staging.example/", "https://news.example/site/"].filter((u) => u !== flags.baseUrl));
      return { what: `build options: ${JSON.stringify(flags)}` };
    },
  },
  {
    name: "symlink",
    weight: 1,
    async run({ site, rng, now }) {
      // A story kept outside articles/ (content/store/), linked from there.
      const a = site.newArticle(now - rng.between(60, 20 * 24 * 60) * MINUTE);
      a.link = `store/${path.basename(a.rel)}`;
      site.articles.push(a);
      await site.writeArticle(a);
      return { what: `publish ${a.rel}, a link to ${a.link}` };
    },
  },
  {
    name: "media",
    weight: 1,
    async run({ site, rng }) {
      const kind = rng.int(3);
      if (kind === 0) {
        // Another picture under the same name: new variants, new hashes in every page that shows it.
        site.photo = 1 - site.photo;
        await site.write("media/photo.jpg", site.photo === 0 ? PHOTO : await otherPhoto());
        return { what: `replace media/photo.jpg with picture ${site.photo}` };
      }
      if (kind === 1) {
        const chart = path.join(site.content, "media/charts/chart.png");
        if (existsSync(chart) && !site.articles.some((a) => a.body.includes("/media/charts/chart.png"))) {
          await rm(chart);
          return { what: "remove media/charts/chart.png" };
        }
        await site.write("media/charts/chart.png", await chartPng());
        const a = rng.pick(site.articles);
        a.body += "\n![A chart](/media/charts/chart.png)\n";
        await site.writeArticle(a);
        return { what: `add media/charts/chart.png, shown in the body of ${a.rel}` };
      }
      const a = rng.pick(site.articles);
      a.image = !a.image || undefined;
      await site.writeArticle(a);
      return { what: `${a.image ? "give" : "take away"} the lead image of ${a.rel}` };
    },
  },
  {
    name: "cache-damage",
    weight: 1,
    async run({ site, rng }) {
      // What the README says a build survives: caches emptied, damaged or gone (for every runner's cache).
      const kind = rng.int(6);
      const caches = [path.join(site.root, ".broadsheet-cache"), path.join(site.root, "inproc", ".broadsheet-cache")];
      for (const cache of caches) {
        if (kind === 0) await rm(path.join(cache, "images"), { recursive: true, force: true });
        else if (kind === 1) await writeFile(path.join(cache, "content.json"), "{ not json").catch(() => undefined);
        else if (kind === 2) await rm(path.join(cache, "content.more.json"), { force: true });
        else if (kind === 3) await rm(path.join(cache, "public.site.v8"), { force: true });
        else if (kind === 4) await rm(path.join(cache, "public.site-edits.json"), { force: true });
        else await rm(path.join(cache, "public.blocks.json"), { force: true });
      }
      const a = rng.pick(site.articles);
      a.body += `\n${site.sentence()}.\n`;
      await site.writeArticle(a);
      const what = ["empty the image cache", "damage content.json", "delete content.more.json", "delete the snapshot's site", "delete the snapshot's edits", "delete the Latest news block"][kind];
      return { what: `${what}, and edit the body of ${a.rel}` };
    },
  },
  {
    name: "ci-restore",
    weight: 2,
    async run({ site, rng, folders }) {
      // What a CI runner does (README, "Publishing with GitHub Actions"): a fresh checkout, then the output and
      // cache folders saved by an earlier run. The folders are new (another identity), with the files of the run
      // that saved them: the last one, or an older one (the site changed since). Sometimes restored imperfectly.
      const saved = path.join(site.root, "saved");
      const older = existsSync(saved) && rng.chance(0.5);
      // Or the cache of an older save beside the output of the last build (a cache restored without its folder).
      const kind = !older ? "the last build" : rng.chance(0.7) ? "an older save" : "an older save's cache (the output of the last build)";
      if (kind === "the last build") {
        await rm(saved, { recursive: true, force: true });
        for (const [i, { out, cache }] of folders.entries()) {
          await cp(out, path.join(saved, `${i}`, "out"), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
          await cp(cache, path.join(saved, `${i}`, "cache"), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
        }
      }
      const preserveTimestamps = rng.chance(0.5);
      const damage = rng.pick([undefined, "edit", "remove", "empty"] as const);
      for (const [i, { out, cache }] of folders.entries()) {
        const outFrom = kind.endsWith("(the output of the last build)") ? `${out}.last` : path.join(saved, `${i}`, "out");
        if (outFrom !== `${out}.last`) await rm(out, { recursive: true, force: true });
        else await rename(out, outFrom);
        await rm(cache, { recursive: true, force: true });
        await cp(outFrom, out, { recursive: true, preserveTimestamps });
        if (outFrom === `${out}.last`) await rm(outFrom, { recursive: true });
        await cp(path.join(saved, `${i}`, "cache"), cache, { recursive: true, preserveTimestamps });
        if (damage === "edit") await writeFile(path.join(out, "about/index.html"), "<p>edited by hand</p>");
        else if (damage === "remove") await rm(path.join(out, "news/index.html"), { force: true });
        else if (damage === "empty") await writeFile(path.join(out, "feed.json"), "");
      }
      const checkout = rng.chance(0.6);
      if (checkout) {
        // Every content and template file gets a new time (the bytes are the same).
        const time = new Date(Date.now() + rng.between(1, 1000) * 1000);
        for (const dir of [site.content, site.templatesDir]) {
          for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
            if (entry.isFile()) await utimes(path.join(entry.parentPath, entry.name), time, time);
          }
        }
      }
      const how = [checkout && "a fresh checkout", damage && `${damage} a file of the output`, !preserveTimestamps && "new file times"].filter(Boolean).join(", ");
      return { what: `restore the output and cache folders of ${kind}${how ? ` (${how})` : ""}`, outputChanged: true };
    },
  },
  {
    name: "break",
    weight: 3,
    async run({ site, rng }) {
      const kind = rng.int(12);
      const a = rng.pick(site.articles);
      const abs = path.join(site.content, a.rel);
      const original = await readFile(abs, "utf8");
      const restore = (what: string, file = abs, text = original) => async () => {
        await writeFile(file, text);
        return what;
      };
      switch (kind) {
        case 0:
          await writeFile(abs, original.replace(/^title: .*$/m, 'title: "An unclosed quote'));
          return { what: `break ${a.rel}: unclosed quote in title`, fix: restore(`fix ${a.rel}`) };
        case 1:
          await writeFile(abs, original.replace(/^category: .*$/m, "category: poltics"));
          return { what: `break ${a.rel}: unknown category`, fix: restore(`fix ${a.rel}`) };
        case 2:
          await writeFile(abs, original.replace(/^date: .*$/m, "date: 2024-02-30 10:00"));
          return { what: `break ${a.rel}: a date that does not exist`, fix: restore(`fix ${a.rel}`) };
        case 3: {
          const other = rng.pick(site.articles.filter((x) => x !== a));
          await writeFile(abs, original.replace(/^slug: .*\n/m, "").replace(/^category: /m, `slug: ${site.slugOf(other)}\ncategory: `));
          return { what: `break ${a.rel}: the slug of ${other.rel}`, fix: restore(`fix ${a.rel}`) };
        }
        case 4:
          await writeFile(abs, original.replace(/^---\n/, "---\ntitle: twice\n"));
          return { what: `break ${a.rel}: a duplicate key`, fix: restore(`fix ${a.rel}`) };
        case 5:
          await writeFile(abs, `${original}\n![A missing chart](/media/missing.png)\n`);
          return { what: `break ${a.rel}: a body image that does not exist`, fix: restore(`fix ${a.rel}`) };
        case 8:
          await writeFile(abs, original.replace(/^date: .*$/m, (line) => `${line}\nupdated: 2001-01-01 10:00`).replace(/^updated: (?!2001).*\n/m, ""));
          return { what: `break ${a.rel}: updated before date`, fix: restore(`fix ${a.rel}`) };
        case 9:
          await writeFile(abs, original.replace(/^category: /m, "author: nobody\ncategory: ").replace(/^author: (?!nobody).*\n/m, ""));
          return { what: `break ${a.rel}: an unknown author`, fix: restore(`fix ${a.rel}`) };
        case 10: {
          // An alias that is another story's URL (it collides only while both are published: the cold build tells).
          const other = rng.pick(site.articles.filter((x) => x !== a));
          await writeFile(abs, original.replace(/^aliases: .*\n/m, "").replace(/^category: /m, `aliases: [${q(site.urlOf(other))}]\ncategory: `));
          return { what: `break ${a.rel}: an alias that is the URL of ${other.rel}`, fix: restore(`fix ${a.rel}`) };
        }
        case 11:
          await writeFile(abs, original.replace(/^slug: .*\n/m, "").replace(/^category: /m, "slug: page\ncategory: "));
          return { what: `break ${a.rel}: the reserved slug "page"`, fix: restore(`fix ${a.rel}`) };
        case 6: {
          const file = path.join(site.content, "site.yml");
          const text = await readFile(file, "utf8");
          await writeFile(file, text.replace(/^pageSize: .*$/m, "pageSize: 0"));
          return { what: "break site.yml: pageSize 0", fix: restore("fix site.yml", file, text) };
        }
        default: {
          const file = path.join(site.templatesDir, "partials/item.eta");
          const text = await readFile(file, "utf8");
          await writeFile(file, text.replace("<% if (it.item.thumbnail) { %>", "<% if (it.item.thumbnail.missing.field) { %>"));
          return { what: "break partials/item.eta: a template error on every list", fix: restore("fix partials/item.eta", file, text) };
        }
      }
    },
  },
];

function pickOp(rng: Rng, from: Op[]): Op {
  const total = from.reduce((n, op) => n + op.weight, 0);
  let at = rng.next() * total;
  for (const op of from) if ((at -= op.weight) < 0) return op;
  return from.at(-1)!;
}

// ---------------------------------------------------------------------------------------------------------
// Builds and comparisons.

interface Built {
  ok: boolean;
  /** An internal error (the CLI's exit code 70, or a throw): never expected. */
  crashed?: string;
  /** How the build started: "unchanged", "resume (…)", "load". */
  first: string;
  /** Pages the second thread rendered or spliced (in-process builds). */
  second?: string;
  files?: number;
  articles?: number;
  next?: string;
  warnings: string[];
  log: string;
}

const diagKey = (file: string, line: number, column: number, code: string) => `${file.slice(file.lastIndexOf("content/") + 8)}:${line}:${column} ${code}`;
const warningsOf = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "warning").map((d) => diagKey(d.file, d.line, d.column, d.code)).sort();

function nextText(result: BuildResult): string | undefined {
  const next = result.summary?.next;
  if (!next) return undefined;
  return `${path.basename(next.file)} at ${formatDate(next.date, "local")}, then ${result.summary!.moreScheduled} more`;
}

/** An incremental build of the site into its persistent folder. */
interface Runner {
  mode: Mode;
  out: string;
  build(now: number, flags: Flags): Promise<Built>;
}

const cliFlags = (flags: Flags) => [...(flags.drafts ? ["--drafts"] : []), ...(flags.future ? ["--future"] : []), ...(flags.baseUrl ? ["--base-url", flags.baseUrl] : [])];
const buildFlags = (flags: Flags): Partial<BuildOptions> => ({ drafts: flags.drafts, future: flags.future, ...(flags.baseUrl !== undefined && { baseUrl: flags.baseUrl }) });

function cliRunner(site: Newsroom): Runner {
  const out = path.join(site.root, "public");
  return {
    mode: "cli",
    out,
    async build(now, flags) {
      const args = ["build", "--content", "content", "--templates", "templates", "--out", "public", "--timings", ...cliFlags(flags)];
      const run = await cli(site.root, args, { SOURCE_DATE_EPOCH: String(now / 1000) });
      const log = `broadsheet ${args.join(" ")}: exit ${run.code}\n${run.stdout}${run.stderr}`;
      const built = /Built (\d+) files \((\d+) articles?\)/.exec(run.stdout);
      const next = /next scheduled: (\S+) at (\S+ \S+) \(Asia\/Baku\)(?:, then (\d+) more)?/.exec(run.stdout);
      const stages = run.stderr.split("\n").filter((l) => /^ {2}\S.*: \d+ ms$/.test(l)).map((l) => l.trim());
      const warnings = [...run.stderr.matchAll(/^(\S+?)(?::(\d+):(\d+))? {2}\S+ {2}warning: .* {2}\[([a-z0-9-]+)\]$/gm)].map((m) => diagKey(m[1]!, Number(m[2] ?? 0), Number(m[3] ?? 0), m[4]!)).sort();
      return {
        ok: run.code === 0,
        ...(run.code !== 0 && run.code !== 1 && { crashed: `exit code ${run.code}: ${run.stderr.trim().split("\n").slice(-3).join(" ")}` }),
        first: stages[0]?.replace(/: \d+ ms$/, "") ?? "?",
        ...(built && { files: Number(built[1]), articles: Number(built[2]) }),
        ...(next && { next: `${path.basename(next[1]!)} at ${next[2]}, then ${next[3] ?? 0} more` }),
        warnings,
        log,
      };
    },
  };
}

function inProcessRunner(site: Newsroom, rng: Rng): Runner {
  const root = path.join(site.root, "inproc");
  const out = path.join(root, "public");
  return {
    mode: "inproc",
    out,
    async build(now, flags) {
      const options: BuildOptions = { contentDir: site.content, templatesDir: site.templatesDir, outDir: out, cacheDir: path.join(root, ".broadsheet-cache"), now, workerThreshold: 0, ...buildFlags(flags) };
      // Half the time as the CLI's heap-capped worker gets it when the CLI found no resume: the second thread
      // is then opened before the pipeline starts.
      const asWorker = rng.chance(0.5);
      let result: BuildResult;
      try {
        result = asWorker ? await build({ ...options, checked: { ...(await checkStamp(options)), candidate: false } }) : await build(options);
      } catch (cause) {
        return { ok: false, crashed: String((cause as Error).stack ?? cause), first: "?", warnings: [], log: String(cause) };
      }
      const render = result.stages.map(([s]) => s).find((s) => s.startsWith("render pages"));
      const byWorker = render ? [...render.matchAll(/\((\d+) by a second thread\)/g)].map((m) => m[1]).join("+") : "";
      return {
        ok: result.ok,
        first: result.stages[0]?.[0] ?? "?",
        ...(byWorker && { second: byWorker }),
        ...(result.ok && result.summary && { files: result.summary.files, articles: result.summary.articles }),
        ...(nextText(result) !== undefined && { next: nextText(result) }),
        warnings: warningsOf(result.diagnostics),
        log: `build(${JSON.stringify({ now, workerThreshold: 0, ...buildFlags(flags), ...(asWorker && { checked: "candidate: false" }) })})\n${result.stages.map(([s]) => s).join(" | ")}\n${result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`).join("\n")}`,
      };
    },
  };
}

/** A cold build: fresh output and cache folders, no cache, the same clock and options. */
async function coldBuild(site: Newsroom, now: number, flags: Flags, n: number): Promise<{ out: string; result: BuildResult }> {
  const root = path.join(site.root, `cold-${n}`);
  const out = path.join(root, "public");
  const options = { contentDir: site.content, templatesDir: site.templatesDir, outDir: out, cacheDir: path.join(root, "cache"), now, noCache: true, ...buildFlags(flags) };
  return { out, result: await build(options) };
}

interface Tree {
  files: Map<string, Buffer>;
  /** Folders, so that one left behind empty shows too. */
  folders: string[];
  times: Map<string, string>;
}

/** Every file's bytes and every folder under `dir`, and each file's inode and time (a file written again gets new ones). */
function readTree(dir: string): Tree {
  const files = new Map<string, Buffer>();
  const times = new Map<string, string>();
  const folders: string[] = [];
  if (!existsSync(dir)) return { files, folders, times };
  // Synchronous: a few hundred small files, read three times a step.
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const abs = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, abs).split(path.sep).join("/");
    if (entry.isDirectory()) folders.push(rel);
    else if (entry.isFile()) {
      files.set(rel, readFileSync(abs));
      const info = lstatSync(abs);
      times.set(rel, `${info.ino}:${info.mtimeMs}`);
    }
  }
  folders.sort();
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), folders, times };
}

const listed = (files: string[]) => (files.length > 0 ? files.slice(0, 8).join(", ") + (files.length > 8 ? `, … (${files.length})` : "") : "none");

/** The first difference between two trees, with a little context; undefined when they are the same. */
function firstDifference(incremental: Tree, cold: Tree): string | undefined {
  const onlyIncremental = [...incremental.files.keys()].filter((f) => !cold.files.has(f));
  const onlyCold = [...cold.files.keys()].filter((f) => !incremental.files.has(f));
  if (onlyIncremental.length > 0 || onlyCold.length > 0) {
    return `different files: only in the incremental build: ${listed(onlyIncremental)}; only in the cold build: ${listed(onlyCold)}`;
  }
  for (const [file, bytes] of cold.files) {
    const mine = incremental.files.get(file)!;
    if (mine.equals(bytes)) continue;
    return `${file} differs (${mine.length} bytes incremental, ${bytes.length} cold)\n${lineDiff(mine.toString("utf8"), bytes.toString("utf8"))}`;
  }
  const extra = incremental.folders.filter((f) => !cold.folders.includes(f));
  const missing = cold.folders.filter((f) => !incremental.folders.includes(f));
  if (extra.length > 0 || missing.length > 0) return `different folders: only in the incremental build: ${listed(extra)}; only in the cold build: ${listed(missing)}`;
  return undefined;
}

function lineDiff(a: string, b: string): string {
  const la = a.split("\n");
  const lb = b.split("\n");
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  const clip = (line: string | undefined, other: string | undefined) => {
    if (line === undefined) return "(end of file)";
    if (line.length <= 240) return line;
    let at = 0;
    while (at < line.length && line[at] === other?.[at]) at++;
    return `…${line.slice(Math.max(0, at - 100), at + 140)}…`;
  };
  const out: string[] = [];
  for (let k = Math.max(0, i - 2); k < i; k++) out.push(`    ${k + 1}  ${clip(la[k], undefined)}`);
  for (let k = i; k < i + 3; k++) {
    if (la[k] === lb[k]) continue;
    out.push(`  - ${k + 1}  incremental: ${clip(la[k], lb[k])}`, `  + ${k + 1}  cold:        ${clip(lb[k], la[k])}`);
  }
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------------------

const EXCLUDED = new Set((process.env.DIFF_EXCLUDE ?? "").split(",").filter(Boolean));
const roots: string[] = [];
afterAll(async () => {
  if (process.env.DIFF_KEEP !== "1") await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

async function runSequence(seed: number, modes: Mode[]): Promise<void> {
  const rng = new Rng(seed);
  const root = await mkdtemp(path.join(tmpdir(), "broadsheet-diff-"));
  roots.push(root);
  const site = new Newsroom(root, rng);
  const world: World = { site, rng, now: FIXTURE_NOW, flags: { drafts: false, future: false }, folders: [] };
  site.generate(world.now);
  await site.writeAll();
  // The in-process runner draws from a PRNG of its own: the operations do not depend on the modes run.
  const runners = modes.map((mode) => (mode === "cli" ? cliRunner(site) : inProcessRunner(site, new Rng(seed ^ 0x9e3779b9))));
  world.folders = runners.map((r) => ({ out: r.out, cache: path.join(path.dirname(r.out), ".broadsheet-cache") }));
  const history: string[] = [];
  const seen: Record<string, Record<string, number>> = {};
  const tally = (mode: string, key: string) => ((seen[mode] ??= {})[key] = (seen[mode]![key] ?? 0) + 1);
  const hex = `0x${seed.toString(16)}`;
  const usable = ops.filter((op) => !EXCLUDED.has(op.name));
  // Every operation once, and more body edits (resumed builds, some after a resumed build).
  const body = usable.filter((op) => op.name === "body");
  const cards = [...usable, ...body, ...body, ...body];
  const deck = rng.some(cards, cards.length);
  // What each output folder holds: nothing else writes there, so one step's "after" is the next one's "before".
  const states = new Map<Runner, Tree>(runners.map((r) => [r, readTree(r.out)]));
  const removing: Promise<void>[] = [];
  let fix: (() => Promise<string>) | undefined;
  let followUp: (() => Promise<string>) | undefined;

  for (let step = 0; step <= Math.min(STEPS, STOP); step++) {
    let outcome: Outcome;
    if (step === 0) outcome = { what: `generate ${site.articles.length} articles, ${site.pages.length} pages (first build)` };
    else if (fix) {
      outcome = { what: await fix() };
      fix = undefined;
    } else if (followUp) {
      outcome = { what: await followUp() };
      followUp = undefined;
    } else {
      let done: Outcome | undefined;
      let op: Op;
      let tries = 0;
      do {
        // Every operation once (in a shuffled order, among the weighted random ones), whatever the weights:
        // the deck is drawn from when a coin says so, and always once the steps left are as many as its cards.
        const fromDeck = deck.length > 0 && tries < deck.length && (STEPS - step < deck.length + 2 || rng.chance(0.75));
        op = fromDeck ? deck.shift()! : pickOp(rng, usable);
        done = await op.run(world);
        // Not possible now: back to the end of the deck.
        if (!done && fromDeck) deck.push(op);
        tries++;
      } while (!done);
      outcome = { ...done, what: `[${op.name}] ${done.what}` };
      fix = done.fix;
      followUp = done.followUp;
    }
    const { now } = world;
    const flags = { ...world.flags };
    if (outcome.outputChanged) for (const runner of runners) states.set(runner, readTree(runner.out));
    history.push(`${step}. ${outcome.what}`);
    const where = (mode: string) =>
      `seed ${hex}, step ${step} (${mode}), now ${new Date(now).toISOString()}, options ${JSON.stringify(flags)}, in ${root}\n` +
      `replay: DIFF_SEEDS=${hex} DIFF_STEPS=${STEPS} DIFF_STOP=${step} DIFF_MODES=${mode}${EXCLUDED.size > 0 ? ` DIFF_EXCLUDE=${[...EXCLUDED].join(",")}` : ""} DIFF_KEEP=1 npx vitest run tests/incremental-differential.test.ts\n${history.join("\n")}`;

    // The CLI's build runs in another process while this one builds cold, then in-process: all read the
    // content, none writes there, and each has an output and cache folders of its own.
    const started = performance.now();
    const took: Record<string, number> = {};
    const cliRun = runners.find((r) => r.mode === "cli")?.build(now, flags).finally(() => (took.cli = performance.now() - started));
    const cold = await coldBuild(site, now, flags, step).catch((cause: Error) => {
      throw new Error(`the cold build crashed: ${cause.stack}\n${where("cold")}`);
    });
    took.cold = performance.now() - started;
    const inprocRun = runners.find((r) => r.mode === "inproc")?.build(now, flags).finally(() => (took.inproc = performance.now() - started - took.cold!));
    const builds = { cli: await cliRun, inproc: await inprocRun };
    const coldTree = readTree(cold.out);
    for (const runner of runners) {
      const before = states.get(runner)!;
      const built = builds[runner.mode]!;
      tally(runner.mode, built.crashed ? "crashed" : built.ok ? built.first.replace(/ \(.*/, "") : "failed");
      if (built.second) tally(runner.mode, "second thread");
      if (VERBOSE) console.log(`${hex} ${step} ${runner.mode}: ${outcome.what} → ${built.ok ? built.first : "failed"}${built.second ? ` [second thread ${built.second}]` : ""}`);
      const coldSays = cold.result.ok ? "ok" : cold.result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`).join("; ");
      const context = `${where(runner.mode)}\n--- incremental build:\n${built.log}\n--- cold build: ${coldSays}`;
      expect(built.crashed, `the incremental build crashed: ${built.crashed}\n${context}`).toBeUndefined();
      // Broken content (or content a step meant to break) fails both builds alike.
      expect(built.ok, `the incremental build ${built.ok ? "succeeded" : "failed"}, the cold one ${cold.result.ok ? "succeeded" : "failed"}\n${context}`).toBe(cold.result.ok);
      if (!cold.result.ok) {
        expect(outcome.fix, `the cold build failed on content no step broke\n${context}`).toBeDefined();
        // A failed build leaves the output as it was: the same bytes, and not even written again.
        const left = readTree(runner.out);
        const changed = firstDifference(left, before);
        expect(changed, `a failed build changed the output folder: ${changed}\n${context}`).toBeUndefined();
        expect(left.times, `a failed build wrote files in the output folder\n${context}`).toEqual(before.times);
        continue;
      }
      const after = readTree(runner.out);
      const difference = firstDifference(after, coldTree);
      expect(difference, `incremental ≠ cold: ${difference}\n${context}`).toBeUndefined();
      // What the build reports: files, articles, the next scheduled story, the warnings.
      const coldReport = { files: cold.result.summary?.files, articles: cold.result.summary?.articles, next: nextText(cold.result), warnings: warningsOf(cold.result.diagnostics) };
      expect({ files: built.files, articles: built.articles, next: built.next, warnings: built.warnings }, `the build's report differs from the cold build's\n${context}`).toEqual(coldReport);
      if (step > 0) {
        // Only files whose bytes changed are written (a copied media file is known by its source's size and
        // time, so touching the source copies it again).
        const rewritten = [...after.files.keys()].filter((f) => !f.startsWith("media/") && before.files.get(f)?.equals(after.files.get(f)!) && before.times.get(f) !== after.times.get(f));
        expect(rewritten, `the build wrote files whose bytes did not change\n${context}`).toEqual([]);
      }
      states.set(runner, after);
    }
    removing.push(rm(path.dirname(cold.out), { recursive: true, force: true }));
    if (VERBOSE) console.log(`${hex} ${step} took (ms): ${Object.entries(took).map(([k, ms]) => `${k} ${Math.round(ms)}`).join(", ")}, all ${Math.round(performance.now() - started)}`);
  }
  await Promise.all(removing);
  console.log(`seed ${hex}: ${STEPS} steps; builds by how they started: ${JSON.stringify(seen)}`);
  for (const runner of STOP < STEPS ? [] : runners) {
    // The sequence reached the paths it is here for.
    if (runner.mode === "cli") expect(seen.cli?.resume ?? 0, `seed ${hex}: no CLI build resumed`).toBeGreaterThan(0);
    if (runner.mode === "inproc") expect(seen.inproc?.["second thread"] ?? 0, `seed ${hex}: the second thread did nothing`).toBeGreaterThan(0);
  }
}

describe("incremental builds against cold builds, on random edit sequences", () => {
  for (const seed of SEEDS) {
    it(`seed 0x${seed.toString(16)}: ${STEPS} steps (${MODES.join(" and ")})`, { timeout: 300_000 }, () => runSequence(seed, MODES));
  }
});
