import MarkdownIt from "markdown-it";
import type { SiteConfig } from "../model.js";

export interface MarkdownRenderer {
  /** `absoluteFrom`: the page's absolute URL, to make every link and image absolute (for feeds). */
  render(markdown: string, options?: { absoluteFrom?: string }): string;
}

// Links that could run code are never emitted, whatever markdown-it's defaults become.
const UNSAFE_URL = /^(javascript|vbscript|file):/i;
const SAFE_DATA_IMAGE = /^data:image\/(gif|png|jpeg|webp|avif);/i;

export function isSafeUrl(url: string): boolean {
  // markdown-it hands over percent-encoded URLs; browsers would not decode a scheme, but judging the
  // decoded text as well costs nothing and stays safe if that ever changes.
  return isSafeText(url) && isSafeText(safeDecode(url));
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

function isSafeText(url: string): boolean {
  const normal = url.trim().replace(/[\u0000-\u001f\u007f\s]/g, "").toLowerCase();
  if (UNSAFE_URL.test(normal)) return false;
  if (normal.startsWith("data:")) return SAFE_DATA_IMAGE.test(normal);
  return true;
}

/**
 * One configured markdown-it per build. Raw HTML only when the site allows it (trusted newsrooms);
 * no typographer, so editors' text is shown exactly as written; headings move down a level, because
 * the headline is the page's only h1; root-relative links gain the site's base path; in feeds, which are
 * read away from the site, every link and image is made absolute.
 */
export function createMarkdown(config: Pick<SiteConfig, "allowHtml" | "basePath">): MarkdownRenderer {
  const md = new MarkdownIt({ html: config.allowHtml, linkify: false, typographer: false });
  md.validateLink = isSafeUrl;
  const prefix = config.basePath.replace(/\/$/, "");
  md.core.ruler.push("broadsheet_links_and_headings", (state) => {
    const absoluteFrom = (state.env as { absoluteFrom?: string }).absoluteFrom;
    for (const token of state.tokens) {
      if (token.type === "heading_open" || token.type === "heading_close") {
        const level = Math.min(6, Number(token.tag.slice(1)) + 1);
        token.tag = `h${level}`;
      }
      for (const child of token.children ?? []) {
        const attr = child.type === "link_open" ? "href" : child.type === "image" ? "src" : undefined;
        if (!attr) continue;
        let value = String(child.attrGet(attr) ?? "");
        if (prefix !== "" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith(`${prefix}/`)) {
          value = prefix + value;
        }
        if (absoluteFrom !== undefined && URL.canParse(value, absoluteFrom)) value = new URL(value, absoluteFrom).href;
        child.attrSet(attr, value);
      }
    }
  });
  return { render: (markdown, options = {}) => md.render(markdown, { ...options }) };
}
