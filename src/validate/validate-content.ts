import { hash } from "node:crypto";
import { compareText, error, FILE_START, type Diagnostic, type Location } from "../errors/diagnostic.js";
import { isRecord } from "../yaml/fields.js";
import type { Article, Page, RawDocument, SiteConfig } from "../model.js";
import { RESERVED_SLUGS } from "../routes/urls.js";
import { readArticle, readPage } from "./read-article.js";


export interface ValidContent {
  articles: Article[];
  pages: Page[];
  /** The slugs of the drafts left out of the site: a story added later may not take them. */
  draftSlugs: string[];
  diagnostics: Diagnostic[];
}

export interface ValidateOptions {
  /** Keep `draft: true` articles (for previews). */
  drafts?: boolean;
  /** Articles read by an earlier build of the same process (the dev server), reused while file and settings are the same. */
  memo?: ArticleMemo;
}

export type ArticleMemo = Map<string, { article: Article | undefined; diagnostics: Diagnostic[] }>;

/** Field rules for every document, then the rules across documents (unique slugs, reserved paths). */
export function validateContent(
  raw: { articles: RawDocument[]; pages: RawDocument[]; media: string[] },
  config: SiteConfig,
  options: ValidateOptions = {},
): ValidContent {
  const diagnostics: Diagnostic[] = [];
  const media = new Set(raw.media);
  const reader = articleReader(config, media, diagnostics, options.memo);
  const all = raw.articles.map(reader.read).filter((a): a is Article => a !== undefined);
  reader.forgetOthers();
  const pages = raw.pages.map((doc) => readPage(doc, diagnostics)).filter((p): p is Page => p !== undefined);
  const docs = new Map([...raw.articles, ...raw.pages].map((d) => [d.file, d]));
  // Point at the `slug:` key when the file sets one; otherwise the slug came from the file name (line 1).
  const slugAt = (file: string): Location => {
    const doc = docs.get(file);
    const value = doc?.data.value;
    return doc && isRecord(value) && "slug" in value ? doc.data.locate(["slug"], "key") : FILE_START;
  };
  diagnostics.push(...checkSlugs(all, pages, config, slugAt));
  const articles = options.drafts ? all : all.filter((a) => !a.draft);
  const draftSlugs = options.drafts ? [] : all.filter((a) => a.draft).map((a) => a.slug);
  return { articles, pages, draftSlugs, diagnostics };
}

/** Articles read (validated) while loading goes on, for validateContent to take from `memo`. */
export interface ReadAhead {
  memo: ArticleMemo;
  /** Each article as soon as it is parsed, with the files under content/media (LoadOptions.parsedArticle). */
  parsed(doc: RawDocument, media: readonly string[]): void;
  /** The settings, once loaded (undefined when they are broken): the articles parsed before are read then. */
  settings(config: SiteConfig | undefined): void;
}

/**
 * Reads each article as it is parsed, with the settings and media files validateContent will be given: between
 * the chunks this thread parses, while the second thread parses on, instead of all of them once every file is
 * parsed (~70 ms with one thread at work, at 4,000 articles). validateContent then takes each from the memo.
 */
export function readAhead(): ReadAhead {
  const memo: ArticleMemo = new Map();
  let config: SiteConfig | undefined;
  let read: ((doc: RawDocument) => unknown) | undefined;
  const waiting: [RawDocument, readonly string[]][] = [];
  const parsed = (doc: RawDocument, media: readonly string[]) => {
    if (!config) waiting.push([doc, media]);
    else (read ??= articleReader(config, new Set(media), [], memo).read)(doc);
  };
  return {
    memo,
    parsed,
    settings(loaded) {
      config = loaded;
      if (config) for (const [doc, media] of waiting.splice(0)) parsed(doc, media);
    },
  };
}

function articleReader(config: SiteConfig, media: Set<string>, diagnostics: Diagnostic[], memo?: ArticleMemo) {
  if (!memo) return { read: (doc: RawDocument) => readArticle(doc, config, media, diagnostics), forgetOthers: () => {} };
  // An article is what its file's bytes, the settings and the media files make it.
  const stamp = hash("sha1", JSON.stringify([config, [...media]]), "base64");
  const stale = new Set(memo.keys());
  return {
    read(doc: RawDocument): Article | undefined {
      const key = `${stamp}\u0000${doc.file}\u0000${doc.source}`;
      stale.delete(key);
      let entry = memo.get(key);
      if (!entry) {
        const own: Diagnostic[] = [];
        entry = { article: readArticle(doc, config, media, own), diagnostics: own };
        memo.set(key, entry);
      }
      diagnostics.push(...entry.diagnostics);
      return entry.article;
    },
    /** Drops the entries of files that are gone or changed. */
    forgetOthers: () => stale.forEach((key) => memo.delete(key)),
  };
}

function checkSlugs(articles: Article[], pages: Page[], config: SiteConfig, slugAt: (file: string) => Location): Diagnostic[] {
  const out: Diagnostic[] = [];
  const owners = new Map<string, string>();
  const claim = (slug: string, file: string) => {
    const first = owners.get(slug);
    if (first === undefined) {
      owners.set(slug, file);
      return;
    }
    out.push(error("duplicate-slug", file, slugAt(file), `${file} and ${first} both have the slug "${slug}" (the same URL)`, {
      field: "slug",
      hint: `Slugs are unique across the site; give one of ${first} and ${file} another slug: (or file name).`,
    }));
  };
  const reserved = (file: string, message: string) =>
    out.push(error("reserved-slug", file, slugAt(file), message, { field: "slug", hint: "Rename the file or set another slug: in its front matter." }));
  // Sorted by file so "already used by" always names the same file, whatever order the disk gave.
  const byFile = <T extends { file: string }>(list: T[]) => [...list].sort((a, b) => compareText(a.file, b.file));
  for (const a of byFile(articles)) {
    if (a.slug === "page") reserved(a.file, 'slug "page" is reserved for page numbers');
    claim(a.slug, a.file);
  }
  const categoryIds = new Set(config.categories.map((c) => c.id));
  for (const p of byFile(pages)) {
    if (RESERVED_SLUGS.includes(p.slug) || categoryIds.has(p.slug)) {
      const what = categoryIds.has(p.slug) ? `the category "${p.slug}"` : `the site's own /${p.slug}/ pages`;
      reserved(p.file, `page slug "${p.slug}" collides with ${what}`);
      continue;
    }
    claim(p.slug, p.file);
  }
  return out;
}
