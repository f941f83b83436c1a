import { error, type Diagnostic } from "../errors/diagnostic.js";
import type { Article, Page, RawDocument, SiteConfig } from "../model.js";
import { readArticle, readPage } from "./read-article.js";

/** First path segments the site itself uses; a page slug may not take them. */
export const RESERVED_SLUGS = ["news", "authors", "tags", "assets", "media", "page", "feed", "search", "404"];

export interface ValidContent {
  articles: Article[];
  pages: Page[];
  diagnostics: Diagnostic[];
}

export interface ValidateOptions {
  /** Keep `draft: true` articles (for previews). */
  drafts?: boolean;
}

/** Field rules for every document, then the rules across documents (unique slugs, reserved paths). */
export function validateContent(
  raw: { articles: RawDocument[]; pages: RawDocument[]; media: string[] },
  config: SiteConfig,
  options: ValidateOptions = {},
): ValidContent {
  const diagnostics: Diagnostic[] = [];
  const media = new Set(raw.media);
  const all = raw.articles.map((doc) => readArticle(doc, config, media, diagnostics)).filter((a): a is Article => a !== undefined);
  const pages = raw.pages.map((doc) => readPage(doc, diagnostics)).filter((p): p is Page => p !== undefined);
  diagnostics.push(...checkSlugs(all, pages, config));
  const articles = options.drafts ? all : all.filter((a) => !a.draft);
  return { articles, pages, diagnostics };
}

function checkSlugs(articles: Article[], pages: Page[], config: SiteConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const owners = new Map<string, string>();
  const claim = (slug: string, file: string, line: number) => {
    const first = owners.get(slug);
    if (first === undefined) {
      owners.set(slug, file);
      return;
    }
    out.push(error("duplicate-slug", file, { line, column: 1 }, `slug "${slug}" is already used by ${first}`, {
      field: "slug",
      hint: `Slugs are unique across the site; give one of ${first} and ${file} another slug: (or file name).`,
    }));
  };
  // Sorted by file so "already used by" always names the same file, whatever order the disk gave.
  const byFile = <T extends { file: string }>(list: T[]) => [...list].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const a of byFile(articles)) {
    if (a.slug === "page") {
      out.push(error("reserved-slug", a.file, { line: 1, column: 1 }, 'slug "page" is reserved for page numbers', { field: "slug", hint: "Choose another slug." }));
    }
    claim(a.slug, a.file, 1);
  }
  const categoryIds = new Set(config.categories.map((c) => c.id));
  for (const p of byFile(pages)) {
    if (RESERVED_SLUGS.includes(p.slug) || categoryIds.has(p.slug)) {
      const what = categoryIds.has(p.slug) ? `the category "${p.slug}"` : `the site's own /${p.slug}/ pages`;
      out.push(error("reserved-slug", p.file, { line: 1, column: 1 }, `page slug "${p.slug}" collides with ${what}`, {
        field: "slug",
        hint: "Rename the file or set another slug: in its front matter.",
      }));
      continue;
    }
    claim(p.slug, p.file, 1);
  }
  return out;
}
