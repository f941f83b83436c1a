import { error, warning, type Diagnostic } from "../errors/diagnostic.js";
import { didYouMean } from "../errors/suggest.js";
import type { Alias, Article, Page, RawDocument, SiteConfig } from "../model.js";
import { FieldReader, describe, isRecord } from "../yaml/fields.js";
import { ID_PATTERN, MAX_SLUG, SHORTEN_SLUG } from "../config/load-config.js";
import { mediaFile } from "../routes/urls.js";
import { parseDate } from "./dates.js";
import { slugify } from "../site/slugify.js";

export const ARTICLE_KEYS = [
  "title", "subtitle", "category", "author", "date", "updated", "tags", "image", "imageAlt", "imageCaption", "imageCredit", "video", "slug", "draft", "aliases",
] as const;
export const PAGE_KEYS = ["title", "subtitle", "slug", "draft"] as const;

/** Field rules for one article; cross-file rules (duplicate URLs) live in cross-checks.ts. */
export function readArticle(doc: RawDocument, config: SiteConfig, media: ReadonlySet<string>, diagnostics: Diagnostic[]): Article | undefined {
  const f = reader(doc, diagnostics);
  if (!f) return undefined;
  const before = diagnostics.length;
  f.warnUnknownKeys(ARTICLE_KEYS);
  const title = f.string("title", { required: true, hint: "Every article needs a headline: title: ..." });
  const subtitle = f.string("subtitle");
  const category = f.string("category", { required: true, hint: `Add one of: ${config.categories.map((c) => c.id).join(", ")}.` });
  if (category !== undefined && !config.categories.some((c) => c.id === category)) {
    const ids = config.categories.map((c) => c.id);
    f.fail("unknown-category", "category", `unknown category "${category}"`, `${didYouMean(category, ids)}Categories are defined in site.yml: ${ids.join(", ")}.`);
  }
  const authors = f.stringList("author", { single: true });
  authors.forEach((id, i) => {
    if (config.authors.some((a) => a.id === id)) return;
    const ids = config.authors.map((a) => a.id);
    const at = Array.isArray(f.map.author) ? f.at(["author", i]) : f.at("author");
    diagnostics.push(error("unknown-author", doc.file, at, `unknown author "${id}"`, {
      field: "author",
      hint: `${didYouMean(id, ids)}Authors are defined in authors.yml${ids.length ? `: ${ids.join(", ")}` : ""}.`,
    }));
  });
  const date = readDate(f, "date", config.timeZone, true);
  const updated = readDate(f, "updated", config.timeZone, false);
  if (date !== undefined && updated !== undefined && updated < date) {
    f.fail("updated-before-date", "updated", "updated is earlier than date", "An update comes after publication: check both times.");
  }
  const tags = f.stringList("tags", { single: false });
  checkTagSlugs(f, tags);
  const slug = readSlug(f, doc);
  const image = f.string("image");
  if (image !== undefined && !/^https?:\/\//.test(image)) {
    const rel = mediaFile(image, { frontMatter: true });
    if (rel === undefined || !media.has(rel)) {
      f.fail("image-missing", "image", `image "${image}" is not in content/media`, "Put the file in content/media/ and write its path, e.g. image: /media/2024/photo.jpg");
    }
  }
  const imageAlt = f.string("imageAlt");
  // A wrongly typed imageAlt is already reported; a missing one is reported at the image it should describe.
  const altRaw = f.map.imageAlt;
  if (image !== undefined && imageAlt === undefined && (altRaw === undefined || altRaw === null || typeof altRaw === "string")) {
    diagnostics.push(error("image-alt-missing", doc.file, f.at(altRaw === undefined ? "image" : "imageAlt"), "the image has no imageAlt", {
      field: "imageAlt",
      hint: "Describe what the photo shows for readers who cannot see it, e.g. imageAlt: Tankers at the port of Baku at dawn",
    }));
  }
  const imageCaption = f.string("imageCaption");
  const imageCredit = f.string("imageCredit");
  const video = f.string("video");
  if (video !== undefined && !(URL.canParse(video) && /^https?:$/.test(new URL(video).protocol))) {
    f.fail("invalid-video", "video", `video must be an http(s) address, not "${video}"`, "Give the video's page, e.g. video: https://www.youtube.com/watch?v=...");
  }
  const draft = f.boolean("draft", false);
  const aliases = readAliases(f);
  if (doc.blankBody) {
    diagnostics.push(warning("empty-body", doc.file, { line: doc.bodyLine, column: 1 }, "the article has no body", { hint: "Write the story below the closing ---." }));
  }
  if (errorSince(diagnostics, before) || title === undefined || category === undefined || date === undefined || slug === undefined) return undefined;
  return withBody(doc, {
    file: doc.file,
    slug,
    title,
    ...(subtitle !== undefined && { subtitle }),
    category,
    authors,
    date,
    ...(updated !== undefined && { updated }),
    tags,
    ...(image !== undefined && { image, imageLine: f.at("image").line }),
    ...(imageAlt !== undefined && { imageAlt }),
    ...(imageCaption !== undefined && { imageCaption }),
    ...(imageCredit !== undefined && { imageCredit }),
    ...(video !== undefined && { video }),
    draft,
    aliases,
  });
}

// One clean path: "/" then segments of URL-safe characters, no "." or ".." segments, no query or fragment.
const ALIAS_PATH = /^\/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*\/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?$/;

/** A tag's page is at /tags/<slug>/: a tag with no letter or digit to make one of has no page, a very long one cannot. */
function checkTagSlugs(f: FieldReader, tags: string[]): void {
  tags.forEach((tag, i) => {
    // Found only for a tag that is reported: looking up a position costs more than the check.
    const at = () => (Array.isArray(f.map.tags) ? f.at(["tags", i]) : f.at("tags"));
    const slug = slugify(tag);
    if (slug === "" && tag.trim() !== "") {
      f.diagnostics.push(warning("tag-without-page", f.file, at(), `tag "${tag}" has no letter or digit a URL can be made of: it gets no page and no link`, {
        field: "tags",
        hint: "Latin and Cyrillic letters and digits make a tag's URL; add a word in one of them, e.g. \"Space 🚀\" instead of \"🚀\".",
      }));
    } else if (slug.length > MAX_SLUG) {
      f.diagnostics.push(error("invalid-tag", f.file, at(), `tag "${tag.slice(0, 40)}…" makes a ${slug.length}-character URL`, { field: "tags", hint: SHORTEN_SLUG }));
    }
  });
}

/**
 * Old paths of the article. A last segment without an extension means a folder ("/x" is "/x/"), as
 * static hosts serve it; any other extension than .html cannot be served as a redirect page.
 */
function readAliases(f: FieldReader): Alias[] {
  const list = f.stringList("aliases", { single: false });
  const out: Alias[] = [];
  list.forEach((given, i) => {
    const at = Array.isArray(f.map.aliases) ? f.at(["aliases", i]) : f.at("aliases");
    const fail = (message: string) =>
      f.diagnostics.push(error("invalid-alias", f.file, at, message, {
        field: "aliases",
        hint: "Write the old path of the story on this site, e.g. aliases: [/politics/old-headline/]",
      }));
    if (!given.startsWith("/") || given.startsWith("//")) return fail(`alias "${given}" must be a path on this site starting with "/"`);
    if (!ALIAS_PATH.test(given) || /\/\.\.?(\/|$)/.test(given)) return fail(`alias "${given}" is not a clean path (no spaces, "..", "//", "?" or "#")`);
    const last = given.slice(given.lastIndexOf("/") + 1);
    const path = last === "" || !last.includes(".") ? given.replace(/\/?$/, "/") : given;
    if (last.includes(".") && !/\.html?$/.test(last)) return fail(`alias "${given}" must end with "/" or ".html": a redirect page cannot be served as another file type`);
    if (path === "/") return fail('alias "/" is the home page');
    if (path.split("/").some((segment) => Buffer.byteLength(segment) > MAX_SLUG)) return fail(`alias "${given.slice(0, 40)}…" has a part longer than ${MAX_SLUG} characters: it cannot be a folder in the site`);
    out.push({ path, ...at });
  });
  return out;
}

export function readPage(doc: RawDocument, diagnostics: Diagnostic[]): Page | undefined {
  const f = reader(doc, diagnostics);
  if (!f) return undefined;
  const before = diagnostics.length;
  f.warnUnknownKeys(PAGE_KEYS);
  const title = f.string("title", { required: true, hint: "Every page needs a title: title: ..." });
  const subtitle = f.string("subtitle");
  const slug = readSlug(f, doc);
  const draft = f.boolean("draft", false);
  if (errorSince(diagnostics, before) || title === undefined || slug === undefined || draft) return undefined;
  return withBody(doc, { file: doc.file, slug, title, ...(subtitle !== undefined && { subtitle }) });
}

/** The document's body, its line and digest; the body stays unread until someone reads it (a cached document's). */
function withBody<T extends object>(doc: RawDocument, fields: T): T & Pick<RawDocument, "body" | "bodyLine" | "source" | "head" | "bodyFile" | "bodyHasImages"> {
  // Copied field by field, not spread: V8 gives an object made by spreading, once it gets the `body` accessor
  // below, a hidden class of its own, and every read of an article's fields along the pipeline went slow.
  const made: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) made[key] = (fields as Record<string, unknown>)[key];
  made.bodyLine = doc.bodyLine;
  made.source = doc.source;
  made.head = doc.head;
  if (doc.bodyFile) made.bodyFile = doc.bodyFile;
  made.bodyHasImages = doc.bodyHasImages;
  // The descriptor itself: a plain value, or the cached document's reader (which does not keep `doc` alive).
  Object.defineProperty(made, "body", Object.getOwnPropertyDescriptor(doc, "body")!);
  return made as T & Pick<RawDocument, "body" | "bodyLine" | "source" | "head" | "bodyFile" | "bodyHasImages">;
}

/**
 * Whether a diagnostic from `start` on (this document's) is an error: not a count of every error of the run
 * before and after, which made reading quadratic in a site whose every story has a warning.
 */
function errorSince(diagnostics: readonly Diagnostic[], start: number): boolean {
  for (let i = start; i < diagnostics.length; i++) if (diagnostics[i]!.severity === "error") return true;
  return false;
}

function reader(doc: RawDocument, diagnostics: Diagnostic[]): FieldReader | undefined {
  const value = doc.data.value;
  if (!isRecord(value)) {
    diagnostics.push(error("front-matter-type", doc.file, { line: 2, column: 1 }, `the front matter must be a set of fields, not ${describe(value)}`, {
      hint: "Write one field per line between the --- lines: title: ..., category: ..., date: ...",
    }));
    return undefined;
  }
  return new FieldReader(doc.data, doc.file, diagnostics);
}

function readDate(f: FieldReader, key: string, timeZone: string, required: boolean): number | undefined {
  const text = f.string(key, { required, hint: `Add the publication time, e.g. ${key}: 2024-07-05 17:38 (site time).` });
  if (text === undefined) return undefined;
  const result = parseDate(text, timeZone);
  if (!result.ok) {
    f.fail("invalid-date", key, result.message, result.hint);
    return undefined;
  }
  return result.instant;
}

function readSlug(f: FieldReader, doc: RawDocument): string | undefined {
  const given = f.string("slug");
  if (given !== undefined) {
    if (!ID_PATTERN.test(given)) {
      f.fail("invalid-slug", "slug", `slug "${given}" may use only a-z, 0-9 and single dashes`, `For example: slug: ${slugify(given) || "my-story"}`);
      return undefined;
    }
    if (given.length > MAX_SLUG) {
      f.fail("invalid-slug", "slug", `slug "${given.slice(0, 40)}…" is ${given.length} characters long`, SHORTEN_SLUG);
      return undefined;
    }
    return given;
  }
  if (!ID_PATTERN.test(doc.name)) {
    f.fail("invalid-slug", "slug", `the file name "${doc.name}" cannot be a URL slug`, `Rename the file to ${slugify(doc.name) || "my-story"}.md or set slug: in the front matter.`, "file");
    return undefined;
  }
  if (doc.name.length > MAX_SLUG) {
    f.fail("invalid-slug", "slug", `the file name "${doc.name.slice(0, 40)}…" is ${doc.name.length} characters long`, `${SHORTEN_SLUG} Rename the file, or set slug: in the front matter.`, "file");
    return undefined;
  }
  return doc.name;
}
