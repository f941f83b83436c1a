import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { format } from "date-fns/format";
import { tz } from "@date-fns/tz";
import { error, warning, type Diagnostic } from "../errors/diagnostic.js";
import type { Author, Category, SiteConfig } from "../model.js";
import { decodeText } from "../content/scan.js";
import { RESERVED_SLUGS } from "../routes/urls.js";
import { parseYaml } from "../yaml/parse-yaml.js";
import { FieldReader, describe, isRecord } from "../yaml/fields.js";
import { isHttpUrl } from "./http-url.js";
import { displayPath } from "./display-path.js";

export const SITE_KEYS = [
  "title", "baseUrl", "language", "timeZone", "dateFormat", "latestNewsCount", "readAlsoCount",
  "pageSize", "categories", "telegram", "description", "allowHtml", "feedCount", "logo", "embedHosts",
] as const;
const AUTHOR_KEYS = ["name", "bio", "url"] as const;
export const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * The longest slug or id, in characters (they are ASCII): each becomes a folder name in the output, which file
 * systems cap at 255 bytes; a longer one failed the build when it wrote the page.
 */
export const MAX_SLUG = 200;
/** Hint for a slug or id over MAX_SLUG. */
export const SHORTEN_SLUG = `Shorten it to at most ${MAX_SLUG} characters: it becomes a folder name in the site, and short URLs read better.`;

export interface ConfigOverrides {
  baseUrl?: string;
}

/** content/site.yml and content/authors.yml → SiteConfig, or every problem found in them. */
export async function loadConfig(
  contentDir: string,
  overrides: ConfigOverrides = {},
): Promise<{ config?: SiteConfig; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  // Read synchronously: two small files, which the build needs while this thread parses thousands of others
  // (between two chunks of parsing, each step of an asynchronous read waited ~25 ms for its turn).
  const site = readYamlFile(contentDir, "site.yml", true, diagnostics);
  const authorsFile = readYamlFile(contentDir, "authors.yml", false, diagnostics);
  const authors = authorsFile ? readAuthors(authorsFile) : [];
  if (!site) return { diagnostics };
  const config = readSite(site, authors, overrides, diagnostics);
  // Looked for even when site.yml has other mistakes (there is no config then), so that all show in one run.
  const raw = site.map.logo;
  const logo = config ? config.logo : typeof raw === "string" && raw.trim() !== "" && !diagnostics.some((d) => d.field === "logo") ? raw : undefined;
  if (logo !== undefined && !/^https?:\/\//.test(logo)) {
    const rel = logo.replace(/^\/?(media\/)?/, "");
    const found = isFile(path.join(contentDir, "media", rel));
    if (!found) site.fail("config-logo", "logo", `logo "${logo}" is not in content/media`, "Put the file in content/media/ and write its path, e.g. logo: /media/logo.png");
  }
  return { config, diagnostics };
}

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

function readYamlFile(contentDir: string, name: string, required: boolean, diagnostics: Diagnostic[]): FieldReader | undefined {
  const file = displayPath(path.join(contentDir, name));
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path.join(contentDir, name));
  } catch {
    if (required) {
      diagnostics.push(error("config-missing", file, { line: 0, column: 0 }, `${name} is missing`, {
        hint: `Create ${file} with at least title, baseUrl, language, timeZone and categories.`,
      }));
    }
    return undefined;
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) {
    diagnostics.push(error("not-utf8", file, decoded, `the file is not valid UTF-8 (byte ${decoded.offset + 1})`, { hint: "Save the file as UTF-8 in your editor (not Windows-1252 or Latin-1)." }));
    return undefined;
  }
  const parsed = parseYaml(decoded.text, file);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.data) return undefined;
  if (!isRecord(parsed.data.value) && parsed.data.value !== null) {
    diagnostics.push(error("field-type", file, { line: 1, column: 1 }, `${name} must be a mapping of keys to values, not ${describe(parsed.data.value)}`, {}));
    return undefined;
  }
  return new FieldReader(parsed.data, file, diagnostics);
}

function readSite(f: FieldReader, authors: Author[], overrides: ConfigOverrides, diagnostics: Diagnostic[]): SiteConfig | undefined {
  const before = diagnostics.length;
  f.warnUnknownKeys(SITE_KEYS);
  const title = f.string("title", { required: true });
  const baseUrl = overrides.baseUrl ?? f.string("baseUrl", { required: true, hint: 'Add the public address of the site, e.g. baseUrl: "https://news.example.com/".' });
  const language = f.string("language", { required: true, hint: "Add the site's language as a BCP 47 tag, e.g. language: en" });
  const timeZone = f.string("timeZone", { required: true, hint: "Add the newsroom's IANA time zone, e.g. timeZone: Asia/Baku" });
  const dateFormat = f.string("dateFormat") ?? "dd MMMM yyyy - HH:mm";
  const telegram = f.string("telegram");
  const description = f.string("description");
  const config = {
    latestNewsCount: f.integer("latestNewsCount", 40, { min: 1 }),
    readAlsoCount: f.integer("readAlsoCount", 6, { min: 1 }),
    pageSize: f.integer("pageSize", 20, { min: 1 }),
    allowHtml: f.boolean("allowHtml", false),
    feedCount: f.integer("feedCount", 50, { min: 1 }),
  };
  const logo = f.string("logo");
  const categories = readCategories(f);
  const embedHosts = readEmbedHosts(f);

  let url: URL | undefined;
  if (baseUrl !== undefined) {
    url = isHttpUrl(baseUrl) ? new URL(baseUrl) : undefined;
    if (!url) f.fail("config-base-url", "baseUrl", `baseUrl must be an absolute http(s) address, not "${baseUrl}"`, 'For example: baseUrl: "https://news.example.com/"');
  }
  if (language !== undefined && !isLanguageTag(language)) {
    f.fail("config-language", "language", `"${language}" is not a BCP 47 language tag`, "For example: en, en-GB, az, tr.");
  }
  if (timeZone !== undefined && !isTimeZone(timeZone)) {
    f.fail("config-time-zone", "timeZone", `"${timeZone}" is not an IANA time zone`, "For example: Asia/Baku, Europe/Berlin, UTC.");
  }
  const patternProblem = checkDatePattern(dateFormat);
  if (patternProblem) f.fail("config-date-format", "dateFormat", patternProblem, 'Use a date-fns pattern such as "dd MMMM yyyy - HH:mm" (yyyy year, dd day, HH 24-hour).');
  if (!patternProblem && /h/.test(dateFormat.replace(/'[^']*'/g, "")) && !/[abB]/.test(dateFormat.replace(/'[^']*'/g, ""))) {
    diagnostics.push(warning("config-12-hour", f.file, f.at("dateFormat"), `dateFormat "${dateFormat}" shows a 12-hour clock (hh) without AM/PM`, {
      field: "dateFormat",
      hint: "Use HH for a 24-hour clock, or add a (AM/PM): hh:mm a.",
    }));
  }
  if (telegram !== undefined && !/^https:\/\//.test(telegram)) {
    f.fail("config-telegram", "telegram", `telegram must be an https:// address, not "${telegram}"`, "For example: telegram: https://t.me/yourchannel");
  }
  if (logo !== undefined && !/^(https?:\/\/|\/)/.test(logo)) {
    f.fail("config-logo", "logo", `logo must be a path under content/media (/media/logo.png) or an https:// address, not "${logo}"`, "For example: logo: /media/logo.png");
  }
  if (diagnostics.slice(before).some((d) => d.severity === "error") || !title || !url || !language || !timeZone) return undefined;
  const base = url.href.endsWith("/") ? url.href : `${url.href}/`;
  return {
    title,
    baseUrl: base,
    basePath: new URL(base).pathname,
    language,
    timeZone,
    dateFormat,
    ...config,
    categories,
    embedHosts,
    telegram,
    description,
    ...(logo !== undefined && { logo }),
    authors,
  };
}

function readCategories(f: FieldReader): Category[] {
  if (!f.has("categories")) {
    f.fail("field-missing", "categories", "categories is missing", "Add a mapping of category ids to names, e.g. categories: { politics: Politics }", "file");
    return [];
  }
  if (!isRecord(f.map.categories)) {
    f.fail("field-type", "categories", `categories must be a mapping of ids to names, not ${describe(f.map.categories)}`, "For example:\ncategories:\n  politics: Politics");
    return [];
  }
  const nested = f.nested("categories");
  const out: Category[] = [];
  for (const id of Object.keys(nested.map)) {
    if (!ID_PATTERN.test(id)) {
      nested.fail("config-category-id", id, `category id "${id}" may use only a-z, 0-9 and single dashes`, "Category ids become URLs: write them in lower case, e.g. world-news.", "key");
      continue;
    }
    if (id.length > MAX_SLUG) {
      nested.fail("config-category-id", id, `category id "${id.slice(0, 40)}…" is ${id.length} characters long`, SHORTEN_SLUG, "key");
      continue;
    }
    if (RESERVED_SLUGS.includes(id)) {
      nested.fail("config-category-id", id, `category id "${id}" is a path the site uses itself (/${id}/)`, `Choose another id, e.g. ${id}-desk.`, "key");
      continue;
    }
    const name = nested.string(id, { required: true, hint: `Give the category a display name, e.g. ${id}: ${id[0]!.toUpperCase()}${id.slice(1)}` });
    if (name !== undefined) out.push({ id, name });
  }
  if (out.length === 0 && Object.keys(nested.map).length === 0) {
    f.fail("field-empty", "categories", "categories is empty", "Add at least one category.");
  }
  return out;
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

/** Hosts allowed to be embedded as iframes: bare host names, compared exactly (no wildcards, no paths). */
function readEmbedHosts(f: FieldReader): string[] {
  const hosts = f.stringList("embedHosts");
  return hosts.filter((host, i) => {
    if (HOST.test(host)) return true;
    f.diagnostics.push(error("config-embed-host", f.file, f.at(["embedHosts", i]), `"${host}" is not a host name`, {
      field: "embedHosts",
      hint: "Write bare host names in lower case, without https:// or a path, e.g. embedHosts: [datawrapper.dwcdn.net]",
    }));
    return false;
  });
}

function readAuthors(f: FieldReader): Author[] {
  const out: Author[] = [];
  for (const id of Object.keys(f.map)) {
    if (!ID_PATTERN.test(id)) {
      f.fail("config-author-id", id, `author id "${id}" may use only a-z, 0-9 and single dashes`, "Author ids become URLs: e.g. anna-karimova.", "key");
      continue;
    }
    if (id.length > MAX_SLUG) {
      f.fail("config-author-id", id, `author id "${id.slice(0, 40)}…" is ${id.length} characters long`, SHORTEN_SLUG, "key");
      continue;
    }
    if (!isRecord(f.map[id])) {
      f.fail("field-type", id, `author ${id} must be a mapping with at least a name, not ${describe(f.map[id])}`, `For example:\n${id}:\n  name: Anna Karimova`);
      continue;
    }
    const a = f.nested(id);
    a.warnUnknownKeys(AUTHOR_KEYS);
    const name = a.string("name", { required: true, hint: "Give the author's name as shown in bylines." });
    const bio = a.string("bio");
    const url = a.string("url");
    if (url !== undefined && !/^https?:\/\//.test(url)) {
      a.fail("config-author-url", "url", `url must be an http(s) address, not "${url}"`, "For example: url: https://example.com/anna");
    }
    if (name !== undefined) out.push({ id, name, ...(bio !== undefined && { bio }), ...(url !== undefined && /^https?:\/\//.test(url) && { url }) });
  }
  return out;
}

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkDatePattern(pattern: string): string | undefined {
  // date-fns prints a console warning before it throws on these; catch them first, with a clearer message.
  const unquoted = pattern.replace(/'[^']*'/g, "");
  if (/Y/.test(unquoted)) return `dateFormat "${pattern}" uses Y (the week-numbering year); write yyyy for the year`;
  if (/D/.test(unquoted)) return `dateFormat "${pattern}" uses D (the day of the year); write dd for the day of the month`;
  try {
    format(0, pattern, { in: tz("UTC") });
    return undefined;
  } catch (cause) {
    return `dateFormat "${pattern}" is not a valid date-fns pattern: ${(cause as Error).message.split("\n")[0]}`;
  }
}
