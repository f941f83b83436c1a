import MarkdownIt from "markdown-it";
import type { SiteIndex } from "../model.js";
import { mediaFile } from "../routes/urls.js";
import type { ImageRequest } from "./process-images.js";

/**
 * Every local image the published site shows: lead images, and `![alt](/media/…)` in article and page
 * bodies, each with the file and line that names it.
 */
export function imageRequests(index: Pick<SiteIndex, "articles" | "pages">): ImageRequest[] {
  const md = new MarkdownIt({ html: false });
  const out: ImageRequest[] = [];
  for (const a of index.articles) {
    const lead = a.image !== undefined ? mediaFile(a.image, { frontMatter: true }) : undefined;
    if (lead !== undefined) out.push({ src: lead, file: a.file, line: a.imageLine ?? 1, field: "image" });
  }
  for (const doc of [...index.articles, ...index.pages]) {
    // Every Markdown image, inline or by reference, starts with "![": most bodies need no parse (nor reading).
    if (!doc.bodyHasImages) continue;
    for (const found of bodyImages(md, doc.body)) {
      out.push({ src: found.src, file: doc.file, line: doc.bodyLine + found.line, field: "body", ...(found.cut && { cut: found.cut }) });
    }
  }
  return out;
}

/** Local images in a Markdown body, with their 0-based line in it. */
function bodyImages(md: InstanceType<typeof MarkdownIt>, body: string): { src: string; line: number; cut?: "?" | "#" }[] {
  const out: { src: string; line: number; cut?: "?" | "#" }[] = [];
  for (const token of md.parse(body, {})) {
    for (const child of token.children ?? []) {
      if (child.type !== "image") continue;
      const link = String(child.attrGet("src") ?? "");
      const src = mediaFile(link);
      const cut = /[?#]/.exec(link)?.[0] as "?" | "#" | undefined;
      if (src !== undefined) out.push({ src, line: token.map?.[0] ?? 0, ...(cut && { cut }) });
    }
  }
  return out;
}
