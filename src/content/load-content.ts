import path from "node:path";
import { displayPath } from "../config/load-config.js";
import { error, warning, type Diagnostic } from "../errors/diagnostic.js";
import type { RawDocument } from "../model.js";
import { parseFrontMatter } from "./front-matter.js";
import { decodeText, readBytes, scanFiles } from "./scan.js";

export interface ContentSources {
  articles: RawDocument[];
  pages: RawDocument[];
  /** Files under content/media, relative to it. */
  media: string[];
  diagnostics: Diagnostic[];
}

const MARKDOWN = /\.(md|markdown)$/i;

/** Reads content/articles/** and content/pages/** into documents, and lists content/media/**. */
export async function loadContent(contentDir: string): Promise<ContentSources> {
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
    // At most READ_AT_ONCE files open at a time: a newsroom's 100,000 files at once fail with EMFILE.
    inChunks(
      files,
      async (rel) => {
        const abs = path.join(contentDir, folder, rel);
        const file = displayPath(abs);
        if (!MARKDOWN.test(rel)) {
          diagnostics.push(warning("not-markdown", file, { line: 0, column: 0 }, "ignored: not a Markdown (.md) file", {
            hint: "Articles and pages are .md files; put images and other files in content/media/.",
          }));
          return undefined;
        }
        return readDocument(abs, file, diagnostics);
      },
    );
  const [articles, pages] = await Promise.all([read("articles", articleFiles), read("pages", pageFiles)]);
  return {
    articles: articles.filter((d): d is RawDocument => d !== undefined),
    pages: pages.filter((d): d is RawDocument => d !== undefined),
    media,
    diagnostics,
  };
}

const READ_AT_ONCE = 256;

async function inChunks<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += READ_AT_ONCE) results.push(...(await Promise.all(items.slice(i, i + READ_AT_ONCE).map(work))));
  return results;
}

async function readDocument(abs: string, file: string, diagnostics: Diagnostic[]): Promise<RawDocument | undefined> {
  const bytes = await readBytes(abs);
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
  const name = path.basename(abs).replace(MARKDOWN, "");
  return { file, name, ...parsed.doc };
}
