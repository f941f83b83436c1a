import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Diagnostic } from "../src/errors/diagnostic.js";

// Small sites written into temp folders, one per test case: a valid base that each case changes a little.

export const SITE_YML = `title: Test Desk
baseUrl: https://news.example/
language: en
timeZone: Europe/Berlin
categories:
  politics: Politics
  world: World
`;
export const AUTHORS_YML = "anna:\n  name: Anna Smith\n";
export const article = (fields: string, body = "Body.\n") => `---\n${fields}\n---\n${body}`;
export const GOOD = article("title: A fine story\ncategory: politics\ndate: 2024-07-01 10:00");

/** A file's contents; `null` removes a base file; `{ link }` makes a symbolic link to a path (relative to the link). */
export type FileSpec = string | Uint8Array | null | { link: string };

export const BASE: Record<string, FileSpec> = {
  "site.yml": SITE_YML,
  "authors.yml": AUTHORS_YML,
  "articles/ok.md": GOOD,
  // A real 4×3 JPEG: images are decoded and resized, so a stub would be an "unreadable image".
  "media/photo.jpg": new Uint8Array(Buffer.from("/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAADAAQDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAABv/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AJAAnHX/2Q==", "base64")),
};

export interface SmallSite {
  root: string;
  content: string;
  out: string;
  cleanup(): Promise<void>;
}

export async function writeSmallSite(files: Record<string, FileSpec>): Promise<SmallSite> {
  const root = await mkdtemp(path.join(tmpdir(), "broadsheet-small-"));
  const content = path.join(root, "content");
  for (const [rel, spec] of Object.entries({ ...BASE, ...files })) {
    if (spec === null) continue;
    const abs = path.join(content, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    if (typeof spec === "object" && "link" in spec) await symlink(spec.link, abs);
    else await writeFile(abs, spec);
  }
  await mkdir(path.join(content, "articles"), { recursive: true });
  return { root, content, out: path.join(root, "public"), cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** "code file:line:column field", the file relative to the content folder: one line per diagnostic. */
export function describeDiagnostic(d: Diagnostic, content: string): string {
  const abs = path.isAbsolute(d.file) ? d.file : path.resolve(d.file);
  const file = path.relative(content, abs).split(path.sep).join("/");
  return `${d.code} ${file}:${d.line}:${d.column}${d.field ? ` ${d.field}` : ""}`;
}

export const nothingWritten = (site: SmallSite) => !existsSync(site.out);
