import { hash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { displayPath } from "../config/load-config.js";
import { error, warning, type Diagnostic } from "../errors/diagnostic.js";
import type { RawDocument } from "../model.js";
import { parseFrontMatter } from "./front-matter.js";
import { decodeText, scanFiles } from "./scan.js";
import { survivesJson, type ParseCache, type ParsedFile } from "./parse-cache.js";
import { yamlData } from "../yaml/parse-yaml.js";

export interface ContentSources {
  articles: RawDocument[];
  pages: RawDocument[];
  /** Files under content/media, relative to it. */
  media: string[];
  diagnostics: Diagnostic[];
}

const MARKDOWN = /\.(md|markdown)$/i;

/** Reads content/articles/** and content/pages/** into documents, and lists content/media/**. */
export async function loadContent(contentDir: string, cache?: ParseCache): Promise<ContentSources> {
  const diagnostics: Diagnostic[] = [];
  const outside: string[][] = [[], [], []];
  const [articleFiles, pageFiles, media] = await Promise.all([
    scanFiles(contentDir, "articles", outside[0]),
    scanFiles(contentDir, "pages", outside[1]),
    scanFiles(contentDir, "media", outside[2]),
  ]);
  ["articles", "pages", "media"].forEach((folder, i) => {
    for (const rel of outside[i]!) {
      diagnostics.push(warning("symlink-outside", displayPath(path.join(contentDir, folder, rel)), { line: 0, column: 0 }, "ignored: a symbolic link that leads outside the content folder (or nowhere)", {
        hint: "Copy the file into content/ instead of linking to it; links are followed only inside content/.",
      }));
    }
  });
  const read = (folder: string, files: string[]) =>
    files.map((rel) => {
      const abs = path.join(contentDir, folder, rel);
      const file = displayPath(abs);
      if (!MARKDOWN.test(rel)) {
        diagnostics.push(warning("not-markdown", file, { line: 0, column: 0 }, "ignored: not a Markdown (.md) file", {
          hint: "Articles and pages are .md files; put images and other files in content/media/.",
        }));
        return undefined;
      }
      return readDocument(abs, `${folder}/${rel}`, file, cache, diagnostics);
    });
  const articles = read("articles", articleFiles);
  const pages = read("pages", pageFiles);
  return {
    articles: articles.filter((d): d is RawDocument => d !== undefined),
    pages: pages.filter((d): d is RawDocument => d !== undefined),
    media,
    diagnostics,
  };
}

/** One content file read on its own (the dev server's edits); `abs` is inside `contentDir`. */
export function readContentFile(contentDir: string, abs: string): { doc?: RawDocument; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const rel = path.relative(contentDir, abs).split(path.sep).join("/");
  const doc = readDocument(abs, rel, displayPath(abs), undefined, diagnostics);
  return { ...(doc && { doc }), diagnostics };
}

// Files are read synchronously, one at a time: for thousands of small files that are in the page cache this is
// several times faster than fs/promises (four thread-pool round trips a file), and never hits EMFILE.
function readDocument(abs: string, rel: string, file: string, cache: ParseCache | undefined, diagnostics: Diagnostic[]): RawDocument | undefined {
  const name = path.basename(abs).replace(MARKDOWN, "");
  const info = statSync(abs);
  const cached = cache?.byStat(rel, info.size, info.mtimeMs);
  if (cached) return fromCache(abs, file, name, cached);
  const bytes = readFileSync(abs);
  const source = digestBytes(bytes);
  const same = cache?.bySource(rel, source);
  if (same) {
    cache!.remember(rel, info.size, info.mtimeMs, same);
    return fromCache(abs, file, name, same);
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) {
    diagnostics.push(error("not-utf8", file, decoded, `the file is not valid UTF-8 (byte ${decoded.offset + 1})`, {
      hint: "Save the file as UTF-8 in your editor (not Windows-1252 or Latin-1).",
    }));
    return undefined;
  }
  const parsed = parseFrontMatter(decoded.text, file);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.doc) return undefined;
  const { data, body, bodyLine, bodyOffset } = parsed.doc;
  const facts = { source, bodyLine, blankBody: body.trim() === "", bodyHasImages: body.includes("![") };
  if (cache && survivesJson(data.value)) cache.remember(rel, info.size, info.mtimeMs, { ...facts, value: data.value, positions: data.positions, bodyOffset });
  return { file, name, data, body, ...facts };
}

function fromCache(abs: string, file: string, name: string, cached: ParsedFile): RawDocument {
  const { value, positions, bodyOffset, ...facts } = cached;
  let body: string | undefined;
  const doc = { file, name, data: yamlData(value, positions), ...facts } as Omit<RawDocument, "body">;
  // Read when a page or feed that shows it is rendered: a no-op build reads no body.
  return Object.defineProperty(doc, "body", { get: () => (body ??= readBody(abs, bodyOffset)), enumerable: true, configurable: true }) as RawDocument;
}

function readBody(abs: string, offset: number): string {
  const decoded = decodeText(readFileSync(abs));
  return decoded.ok ? decoded.text.slice(offset) : "";
}

function digestBytes(bytes: Uint8Array): string {
  return hash("sha1", bytes, "base64");
}
