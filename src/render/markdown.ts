import MarkdownIt from "markdown-it";
import type { Token } from "markdown-it";
import type { ImageMap, SiteConfig } from "../model.js";
import { mediaFile, type Urls } from "../routes/urls.js";
import { embedPlugin, renderEmbed, type EmbedOptions } from "./embeds.js";
import { markdownSpeed } from "./markdown-speed.js";
import { pictureHtml, socialVariant } from "./picture.js";

export interface RenderOptions {
  /** For feeds: embeds become links and pictures a single 1200-wide <img>, since readers run no scripts. */
  feed?: boolean;
  /** The page's absolute URL, to make every link and image absolute (feeds; implies `feed`). */
  absoluteFrom?: string;
}

export interface MarkdownRenderer {
  render(markdown: string, options?: RenderOptions): string;
  /**
   * The page's HTML and the feed's (`render(markdown)` and `render(markdown, { absoluteFrom })`) from one parse:
   * a story in a feed is rendered for both (see feeds/feed-harvest.ts), and the parse is most of the cost.
   */
  renderWithFeed(markdown: string, absoluteFrom: string): { html: string; feed: string };
  /** One embed outside a body: a video piece's lead player, labelled with `title`. */
  embed(url: string, options?: EmbedOptions & { title?: string }): string;
}

export interface MarkdownMedia {
  /** Processed content/media images; a body image found here becomes a responsive <picture>. */
  images: ImageMap;
  urls: Pick<Urls, "media">;
}

// Body pictures sit in the article column: about 700px wide on large screens.
const BODY_SIZES = "(min-width: 960px) 700px, 100vw";

// Links that could run code are never emitted, whatever markdown-it's defaults become.
const UNSAFE_URL = /^(javascript|vbscript|file):/i;
const SAFE_DATA_IMAGE = /^data:image\/(gif|png|jpeg|webp|avif);/i;

export function isSafeUrl(url: string): boolean {
  // Every unsafe URL has a scheme, and so a colon, which may be percent-encoded: a URL with neither a colon nor
  // a percent sign (a path, as most links in a body are) is safe as it is.
  return (!url.includes(":") && !url.includes("%")) || judgeUrl(url);
}

/** isSafeUrl without its shortcut. */
export function judgeUrl(url: string): boolean {
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

/** The attribute of an inline token that holds a URL. */
function linkAttribute(token: Token): "href" | "src" | undefined {
  return token.type === "link_open" ? "href" : token.type === "image" ? "src" : undefined;
}

/** Every link and image of a body's tokens made absolute from the page's URL `from` (for feeds). */
function absolutize(tokens: Token[], from: string): void {
  for (const token of tokens) {
    for (const child of token.children ?? []) {
      const attr = linkAttribute(child);
      if (!attr) continue;
      const value = String(child.attrGet(attr) ?? "");
      if (URL.canParse(value, from)) child.attrSet(attr, new URL(value, from).href);
    }
  }
}

/**
 * One configured markdown-it per build. Raw HTML only when the site allows it (trusted newsrooms);
 * no typographer, so editors' text is shown exactly as written; body headings start at h2, because the
 * headline is the page's only h1, and never skip a level (validators and screen readers both trip on an
 * h1 → h3 jump when an editor writes `##` subheads); root-relative links gain the site's base path; in
 * feeds, which are read away from the site, every link and image is made absolute.
 */
export function createMarkdown(
  config: Pick<SiteConfig, "allowHtml" | "basePath" | "embedHosts">,
  media: MarkdownMedia = { images: new Map(), urls: { media: (f) => f } },
): MarkdownRenderer {
  const md = new MarkdownIt({ html: config.allowHtml, linkify: false, typographer: false });
  md.validateLink = isSafeUrl;
  md.use(markdownSpeed);
  md.use(embedPlugin, config.embedHosts);
  const plainImage = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const image = media.images.get(String(token.meta?.mediaFile ?? ""));
    if (!image) return plainImage(tokens, idx, options, env, self);
    const alt = self.renderInlineAsText(token.children ?? [], options, env);
    if ((env as RenderOptions | undefined)?.feed) {
      const v = socialVariant(image);
      const from = (env as RenderOptions).absoluteFrom;
      const src = from === undefined ? media.urls.media(v.path) : new URL(media.urls.media(v.path), from).href;
      return `<img src="${md.utils.escapeHtml(src)}" width="${v.width}" height="${v.height}" alt="${md.utils.escapeHtml(alt)}">`;
    }
    return pictureHtml(image, { alt, sizes: BODY_SIZES, url: media.urls.media });
  };
  const prefix = config.basePath.replace(/\/$/, "");
  md.core.ruler.push("broadsheet_links_and_headings", (state) => {
    // The levels the editor used, in order: the highest becomes h2, the next h3, and so on.
    const used = [...new Set(state.tokens.filter((t) => t.type === "heading_open").map((t) => t.tag))].sort();
    for (const token of state.tokens) {
      if (token.type === "heading_open" || token.type === "heading_close") {
        token.tag = `h${Math.min(6, used.indexOf(token.tag) + 2)}`;
      }
      for (const child of token.children ?? []) {
        const attr = linkAttribute(child);
        // Remember which content/media file an image names before the base path changes its src.
        if (child.type === "image") child.meta = { mediaFile: mediaFile(String(child.attrGet("src") ?? "")) };
        if (!attr) continue;
        let value = String(child.attrGet(attr) ?? "");
        if (prefix !== "" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith(`${prefix}/`)) {
          value = prefix + value;
        }
        child.attrSet(attr, value);
      }
    }
    const absoluteFrom = (state.env as RenderOptions).absoluteFrom;
    if (absoluteFrom !== undefined) absolutize(state.tokens, absoluteFrom);
  });
  const envOf = (options: RenderOptions): RenderOptions => ({ feed: options.feed === true || options.absoluteFrom !== undefined, absoluteFrom: options.absoluteFrom });
  return {
    render: (markdown, options = {}) => md.render(markdown, envOf(options)),
    renderWithFeed(markdown, absoluteFrom) {
      // What md.render does, once for the page; then the links made absolute (what the rule above does for a
      // feed's parse, after everything else) and the same tokens rendered for the feed.
      const env = envOf({});
      const tokens = md.parse(markdown, env);
      const html = md.renderer.render(tokens, md.options, env);
      absolutize(tokens, absoluteFrom);
      return { html, feed: md.renderer.render(tokens, md.options, { ...env, ...envOf({ absoluteFrom }) }) };
    },
    embed: (url, { title = "", ...options } = {}) => renderEmbed(md, config.embedHosts, url, title, options),
  };
}
