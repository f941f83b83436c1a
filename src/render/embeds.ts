import type { default as MarkdownItClass, StateBlock } from "markdown-it";
type MarkdownIt = InstanceType<typeof MarkdownItClass>;
import { classifyEmbed } from "./embed-providers.js";

// Our embed syntax for editors:
//
//   ::: embed https://x.com/someone/status/1234
//   The text of the post, as the editor copied it.
//   — Someone (optional attribution line)
//   :::
//
// or a single line `::: embed URL` when there is no text to give. Nothing from the provider is loaded
// with the page: videos and allow-listed iframes are links that a small script of ours swaps for the
// player when clicked; posts are quotes.

export interface EmbedOptions {
  /** Feeds: video and iframe embeds become plain links (feed readers run no scripts). */
  feed?: boolean;
  /** HTML shown inside a video's click-to-load link (e.g. the article's own picture). */
  poster?: string;
}

const OPEN = /^:::\s*embed\s+(\S+)\s*$/;
const ATTRIBUTION = /^(?:—|--)\s*(.+)$/;

export function embedPlugin(md: MarkdownIt, hosts: readonly string[]): void {
  md.block.ruler.before("fence", "broadsheet_embed", (state, startLine, endLine, silent) => embedRule(state, startLine, endLine, silent), {
    alt: ["paragraph", "blockquote", "list"],
  });
  md.renderer.rules.broadsheet_embed = (tokens, idx, _options, env) =>
    renderEmbed(md, hosts, tokens[idx]!.info, tokens[idx]!.content, { feed: (env as EmbedOptions | undefined)?.feed === true });
}

function embedRule(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const open = OPEN.exec(lineText(state, startLine));
  if (!open) return false;
  if (silent) return true;
  let close = -1;
  for (let line = startLine + 1; line < endLine; line++) {
    const text = lineText(state, line).trim();
    if (text === ":::") {
      close = line;
      break;
    }
    if (OPEN.test(text)) break;
  }
  const last = close === -1 ? startLine : close;
  const token = state.push("broadsheet_embed", "", 0);
  token.block = true;
  token.info = open[1]!;
  token.content = close === -1 ? "" : state.getLines(startLine + 1, close, state.blkIndent, false);
  token.map = [startLine, last + 1];
  state.line = last + 1;
  return true;
}

function lineText(state: StateBlock, line: number): string {
  return state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]);
}

/** The HTML for one embed; also used for a video piece's lead player. */
export function renderEmbed(md: MarkdownIt, hosts: readonly string[], rawUrl: string, text: string, opts: EmbedOptions = {}): string {
  const esc = md.utils.escapeHtml;
  const target = classifyEmbed(rawUrl, hosts);
  if (!target) return `<p>${esc(rawUrl)}</p>\n`;
  const lines = text.split("\n").map((l) => l.trim());
  const attribution = ATTRIBUTION.exec(lines.filter(Boolean).at(-1) ?? "");
  const body = (attribution ? lines.slice(0, lines.lastIndexOf(attribution[0])) : lines).join("\n").trim();
  const paragraphs = body ? body.split(/\n\s*\n/).map((p) => `<p>${md.renderInline(p.trim())}</p>`).join("") : "";
  const link = (label: string) => `<a href="${esc(target.url)}">${esc(label)}</a>`;
  switch (target.kind) {
    case "link":
      return `<p class="embed-link">${link(body.split("\n")[0] || target.url)}</p>\n`;
    case "post": {
      const author = attribution?.[1] ?? target.handle;
      const quote = paragraphs ? `<blockquote class="embed-quote" cite="${esc(target.url)}">${paragraphs}</blockquote>` : "";
      const caption = `<figcaption><span class="embed-author">${esc(author)}</span> on ${target.network}: ${link(paragraphs ? "view the post" : `view the post on ${target.network}`)}</figcaption>`;
      return `<figure class="embed embed-post embed-${target.network.toLowerCase()}">${quote}${caption}</figure>\n`;
    }
    case "youtube":
    case "frame": {
      const title = body.split("\n")[0] || (target.kind === "youtube" ? "Video on YouTube" : `Embedded content from ${target.host}`);
      if (opts.feed) return `<p class="embed-link">${link(target.kind === "youtube" ? `Watch: ${title}` : title)}</p>\n`;
      const src = target.kind === "youtube" ? target.player : target.url;
      const action = target.kind === "youtube" ? "Play video" : "Load";
      const facade =
        `<a class="embed-facade" href="${esc(target.url)}" data-embed-src="${esc(src)}" data-embed-title="${esc(title)}">` +
        `${opts.poster ?? ""}<span class="embed-play" aria-hidden="true"></span><span class="embed-label">${esc(action)}: ${esc(title)}</span></a>`;
      const host = target.kind === "youtube" ? "youtube-nocookie.com" : target.host;
      const note = `<figcaption class="embed-note">Loads from ${esc(host)} when you click. ${link(target.kind === "youtube" ? "Open on YouTube" : `Open on ${target.host}`)}</figcaption>`;
      return `<figure class="embed embed-${target.kind === "youtube" ? "video" : "frame"}">${facade}${note}</figure>\n`;
    }
  }
}
