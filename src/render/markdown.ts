import MarkdownIt from "markdown-it";
import type { SiteConfig } from "../model.js";

export interface MarkdownRenderer {
  render(markdown: string): string;
}

// Links that could run code are never emitted, whatever markdown-it's defaults become.
const UNSAFE_URL = /^(javascript|vbscript|file):/i;
const SAFE_DATA_IMAGE = /^data:image\/(gif|png|jpeg|webp|avif);/i;

export function isSafeUrl(url: string): boolean {
  const normal = url.trim().replace(/[\u0000-\u001f\u007f\s]/g, "").toLowerCase();
  if (UNSAFE_URL.test(normal)) return false;
  if (normal.startsWith("data:")) return SAFE_DATA_IMAGE.test(normal);
  return true;
}

/**
 * One configured markdown-it per build. Raw HTML only when the site allows it (trusted newsrooms);
 * no typographer, so editors' text is shown exactly as written; body headings start at h2, because the
 * headline is the page's only h1, and never skip a level (validators and screen readers both trip on an
 * h1 → h3 jump when an editor writes `##` subheads); root-relative links gain the site's base path.
 */
export function createMarkdown(config: Pick<SiteConfig, "allowHtml" | "basePath">): MarkdownRenderer {
  const md = new MarkdownIt({ html: config.allowHtml, linkify: false, typographer: false });
  md.validateLink = isSafeUrl;
  const prefix = config.basePath.replace(/\/$/, "");
  md.core.ruler.push("broadsheet_links_and_headings", (state) => {
    // The levels the editor used, in order: the highest becomes h2, the next h3, and so on.
    const used = [...new Set(state.tokens.filter((t) => t.type === "heading_open").map((t) => t.tag))].sort();
    for (const token of state.tokens) {
      if (token.type === "heading_open" || token.type === "heading_close") {
        token.tag = `h${Math.min(6, used.indexOf(token.tag) + 2)}`;
      }
      for (const child of token.children ?? []) {
        const attr = child.type === "link_open" ? "href" : child.type === "image" ? "src" : undefined;
        if (!attr || prefix === "") continue;
        const value = String(child.attrGet(attr) ?? "");
        if (value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith(`${prefix}/`)) {
          child.attrSet(attr, prefix + value);
        }
      }
    }
  });
  return { render: (markdown) => md.render(markdown) };
}
