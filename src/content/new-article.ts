import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import type { Instant } from "../model.js";

export interface NewArticle {
  headline: string;
  slug: string;
  category: string;
  author?: string;
  subtitle?: string;
}

/**
 * Where `broadsheet new` puts an article (articles/YYYY/MM/<slug>.md, the month of `now` in the site
 * zone, so a story filed at 01:00 Baku time on the 1st lands in the newsroom's month) and what it holds.
 */
export function newArticleFile(article: NewArticle, timeZone: string, now: Instant): { relPath: string; text: string } {
  const zone = tz(timeZone);
  const folder = format(now, "yyyy/MM", { in: zone });
  // JSON strings are valid YAML double-quoted scalars: headlines with ": " or quotes stay text.
  const lines = [
    "---",
    `title: ${JSON.stringify(article.headline)}`,
    ...(article.subtitle !== undefined ? [`subtitle: ${JSON.stringify(article.subtitle)}`] : []),
    `category: ${article.category}`,
    ...(article.author !== undefined ? [`author: ${article.author}`] : []),
    `date: ${format(now, "yyyy-MM-dd HH:mm", { in: zone })}`,
    "tags: []",
    // A new story is a draft until the editor says otherwise, so a half-written file committed by
    // mistake is never published.
    "draft: true",
    "---",
    "Write the story here.",
    "",
  ];
  return { relPath: `articles/${folder}/${article.slug}.md`, text: lines.join("\n") };
}

/** Creates the file and its folders; never replaces an existing file (false when one is there). */
export async function createFileOnce(file: string, text: string): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, text, { flag: "wx" });
    return true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw cause;
  }
}
