import { readFileSync } from "node:fs";
import type { BodyFile, Route } from "../model.js";
import { decodeText } from "./scan.js";

/**
 * Gives `holder` a `body` read from its `bodyFile` whenever it is asked for. Not enumerable, so a structured
 * clone (the render worker's copy of the site) carries the file and offset, not the text; the worker calls
 * this again on its copy. `text`: the body, when the caller has it in hand (see holdBody).
 */
export function withBodyFrom<T extends { bodyFile?: BodyFile }>(holder: T, text?: string): T & { body: string } {
  if (!holder.bodyFile) return holder as T & { body: string };
  if (text !== undefined) held.set(holder.bodyFile, text);
  return Object.defineProperty(holder, "body", BODY) as T & { body: string };
}

// Bodies read when their files were parsed, for the rest of the build. A body read from its file again, to
// render its page, cost open, stat, read, close and the decoding, ~60 µs here: ~130 ms of each thread's time
// in a cold build of 4,000 articles. Held, they cost ~25 MB more at the peak, and made that build 1.9% faster
// (2.7% less CPU). By the BodyFile, which lives as long as its documents: a document parsed anew (its file
// edited) has another.
const held = new WeakMap<BodyFile, string>();

/**
 * Whether a build that parses `files` articles and pages keeps their bodies: ~20 MB of text at 4,000 articles,
 * ~60 MB at 10,000. A bigger site's bodies are read when asked for, and are never all in memory.
 */
export function holdsBodies(files: number): boolean {
  return files <= HOLD_BODIES_UP_TO;
}
const HOLD_BODIES_UP_TO = 10_000;

/** Keeps `text` as the body of `file` (the second thread's copy of a body the main thread holds), or lets it go. */
export function holdBody(file: BodyFile, text: string | undefined): void {
  if (text === undefined) held.delete(file);
  else held.set(file, text);
}

/** The body of `file`, if held. */
export function heldBody(file: BodyFile | undefined): string | undefined {
  return file && held.get(file);
}

/** The body's file of the story or page a route shows. */
export function routeBodyFile(route: Route): BodyFile | undefined {
  return route.kind === "article" ? route.article.bodyFile : route.kind === "page" ? route.page.bodyFile : undefined;
}

// One getter for every document, reading the holder's own `bodyFile`: a getter of its own per object (a
// closure) gave each article a hidden class of its own, and every read of any of its fields went slow.
const BODY: PropertyDescriptor = {
  get(this: { bodyFile: BodyFile }) {
    return held.get(this.bodyFile) ?? readBody(this.bodyFile);
  },
  enumerable: false,
  configurable: true,
};

function readBody({ path: file, offset }: BodyFile): string {
  try {
    const decoded = decodeText(readFileSync(file));
    return decoded.ok ? decoded.text.slice(offset) : "";
  } catch {
    return ""; // deleted while the build ran: the next build drops its pages
  }
}
