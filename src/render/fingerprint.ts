import { hash } from "node:crypto";
import type { MarkdownRenderer } from "./markdown.js";

// A page's inputs, as a digest, so an incremental build can skip rendering a page made from the same inputs
// as last time. A template sees only its data (`it`, no `with`, no globals), so the digest of that data,
// plus what every page shares (templates, configuration, site view, Latest news), covers everything the
// page is made from. Markdown bodies are digested as written, not rendered: rendering them is the cost
// being saved, and their HTML depends only on the text and the configuration.

/** Stands in for markdown-it while computing a digest: the Markdown source stands for its HTML. */
export const AS_WRITTEN: MarkdownRenderer = { render: (markdown) => markdown, embed: (url, options) => `${url} ${options?.title ?? ""}` };

/** The digest of what every page shares; `toolVersion` changes it when Broadsheet itself changes. */
export function sharedInputs(parts: Record<string, unknown>): string {
  return digest(JSON.stringify(parts, mapsAsArrays));
}

export function pageInputs(shared: string, data: unknown): string {
  return digest(shared + JSON.stringify(data));
}

function digest(text: string): string {
  return hash("sha1", text, "base64");
}

function mapsAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Map ? [...value] : value;
}
