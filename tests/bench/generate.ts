import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

// A synthetic newsroom for the benchmark: N articles of 600-900 words, 8 categories, deks on ~40%,
// tags, one article every 12 minutes. Deterministic for a seed, so every run and every generator
// (ours, Hugo) sees the same corpus.

export const CATEGORIES = ["politics", "economy", "world", "analytics", "society", "culture", "sport", "tech"];
const WORDS = (
  "government minister parliament budget economy market energy oil gas pipeline bank rate inflation growth export " +
  "import trade agreement summit president election vote coalition opposition reform policy tax revenue deficit " +
  "investment company industry factory worker union strike salary pension health hospital school university student " +
  "teacher research science technology digital internet network data security police court judge law crime border " +
  "region city capital village road railway port airport flight tourism hotel season weather heat rain flood drought " +
  "water river sea harvest farmer wheat cotton price currency dollar euro manat exchange reserve fund loan debt credit " +
  "report survey analysis forecast outlook quarter year month week today yesterday morning evening official statement " +
  "spokesman ministry agency committee council delegation visit talks meeting conference forum festival concert film " +
  "music theatre museum exhibition artist writer book award match team coach player league cup final record goal " +
  "season stadium fans club transfer new old big small major minor early late strong weak rising falling steady " +
  "record national local regional global public private central northern southern eastern western first second third"
).split(" ");
const AUTHORS = ["anna-k", "bob-t", "celine-d", "dmitri-v", "elif-y", "farid-m", "gulnara-s", "hasan-a"];
const TAGS = Array.from({ length: 60 }, (_, i) => `${WORDS[i * 3 % WORDS.length]} ${WORDS[(i * 7 + 5) % WORDS.length]}`);
/** 2020-01-01T00:00:00Z; article i is published 12 minutes after article i-1. */
export const FIRST_INSTANT = Date.UTC(2020, 0, 1);
export const SPACING_MS = 12 * 60_000;
/** The benchmark's clock: after every generated article (100k articles end in 2022). */
export const BENCH_NOW = Date.UTC(2030, 0, 1);

export interface BenchArticle {
  slug: string;
  title: string;
  subtitle?: string;
  category: string;
  author: string;
  date: string;
  tags: string[];
  body: string;
}

/** mulberry32: tiny, fast, deterministic. */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeArticle(i: number, seed: number): BenchArticle {
  const rnd = makeRandom(seed * 1_000_003 + i);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(" ");
  const title = capitalize(words(4 + Math.floor(rnd() * 6)));
  const tagCount = 1 + Math.floor(rnd() * 4);
  const tags = [...new Set(Array.from({ length: tagCount }, () => pick(TAGS)))];
  const paragraphs: string[] = [];
  let remaining = 600 + Math.floor(rnd() * 301);
  while (remaining > 0) {
    const n = Math.min(remaining, 40 + Math.floor(rnd() * 50));
    remaining -= n;
    if (paragraphs.length > 0 && rnd() < 0.15) paragraphs.push(`## ${capitalize(words(3))}`);
    const text = capitalize(words(n)).replace(/(\w+) (\w+) (\w+)$/, (_, a, b, c) => `${a} **${b}** [${c}](/news/).`);
    paragraphs.push(text);
  }
  return {
    slug: `${title.toLowerCase().split(" ").slice(0, 4).join("-")}-${i}`,
    title,
    ...(rnd() < 0.4 && { subtitle: capitalize(words(10 + Math.floor(rnd() * 8))) }),
    category: CATEGORIES[i % CATEGORIES.length]!,
    author: pick(AUTHORS),
    date: new Date(FIRST_INSTANT + i * SPACING_MS).toISOString().replace(".000Z", "Z"),
    tags,
    body: paragraphs.join("\n\n"),
  };
}

/** Our content format: front matter in YAML (strings written as JSON, which YAML reads as quoted). */
export function toBroadsheet(a: BenchArticle): string {
  const q = (text: string) => JSON.stringify(text);
  const lines = ["---", `title: ${q(a.title)}`];
  if (a.subtitle) lines.push(`subtitle: ${q(a.subtitle)}`);
  lines.push(`category: ${a.category}`, `author: ${a.author}`, `date: ${a.date}`, `tags: [${a.tags.map(q).join(", ")}]`, "---");
  return `${lines.join("\n")}\n${a.body}\n`;
}

/** The same article for Hugo: a page of section `category`, permalink /{category}/{slug}/. */
export function toHugo(a: BenchArticle): string {
  const q = (text: string) => JSON.stringify(text);
  const lines = ["---", `title: ${q(a.title)}`, `slug: ${a.slug}`];
  if (a.subtitle) lines.push(`description: ${q(a.subtitle)}`);
  lines.push(`date: ${a.date}`, `authors: [${a.author}]`, `tags: [${a.tags.map(q).join(", ")}]`, "---");
  return `${lines.join("\n")}\n${a.body}\n`;
}

export function articlePath(a: BenchArticle): string {
  return `articles/${a.date.slice(0, 4)}/${a.date.slice(5, 7)}/${a.slug}.md`;
}

const SITE_YML = `title: Bench Dispatch
baseUrl: https://bench.example/
language: en
timeZone: Asia/Baku
latestNewsCount: 40
readAlsoCount: 6
pageSize: 20
telegram: https://t.me/bench_dispatch
categories:
${CATEGORIES.map((c) => `  ${c}: ${capitalize(c)}`).join("\n")}
`;

export interface Corpus {
  /** Our content folder. */
  content: string;
  /** A Hugo site of the same articles, when asked for. */
  hugo?: string;
  articles: number;
}

/** Writes `count` articles into `dir`/content (and `dir`/hugo when `hugoLayouts` is given). */
export async function generateNewsroom(dir: string, count: number, options: { seed?: number; hugoLayouts?: string } = {}): Promise<Corpus> {
  const seed = options.seed ?? 1;
  const content = path.join(dir, "content");
  const hugo = options.hugoLayouts ? path.join(dir, "hugo") : undefined;
  await mkdir(content, { recursive: true });
  await writeFile(path.join(content, "site.yml"), SITE_YML);
  await writeFile(path.join(content, "authors.yml"), AUTHORS.map((id) => `${id}:\n  name: ${capitalize(id.replace("-", " "))}\n`).join(""));
  if (hugo) await writeHugoConfig(hugo, options.hugoLayouts!);
  const folders = new Set<string>();
  const batch: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const a = makeArticle(i, seed);
    const file = path.join(content, articlePath(a));
    const jobs: [string, string][] = [[file, toBroadsheet(a)]];
    if (hugo) jobs.push([path.join(hugo, "content", a.category, `${a.slug}.md`), toHugo(a)]);
    for (const [target, text] of jobs) {
      const folder = path.dirname(target);
      if (!folders.has(folder)) {
        folders.add(folder);
        await mkdir(folder, { recursive: true });
      }
      batch.push(writeFile(target, text));
    }
    if (batch.length >= 256) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return { content, ...(hugo && { hugo }), articles: count };
}

async function writeHugoConfig(hugo: string, layouts: string): Promise<void> {
  await mkdir(path.join(hugo, "content"), { recursive: true });
  await cp(layouts, path.join(hugo, "layouts"), { recursive: true });
  // Same lists as ours: 40 Latest news, 6 Read also, 20 per listing page; an archive at /news/.
  const config = `baseURL = "https://bench.example/"
title = "Bench Dispatch"
languageCode = "en"
paginate = 20
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[permalinks]
${CATEGORIES.map((c) => `  ${c} = "/${c}/:slug/"`).join("\n")}
[taxonomies]
  tag = "tags"
  author = "authors"
[params]
  latestNewsCount = 40
  readAlsoCount = 6
`;
  await writeFile(path.join(hugo, "config.toml"), config);
  await mkdir(path.join(hugo, "content", "news"), { recursive: true });
  await writeFile(path.join(hugo, "content", "news", "_index.md"), `---\ntitle: All news\n---\n`);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
