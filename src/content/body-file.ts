import { readFileSync } from "node:fs";
import type { BodyFile, Route } from "../model.js";
import { decodeText } from "./scan.js";

/**
 * Gives `holder` a `body` read from its `bodyFile` whenever it is asked for. Not enumerable, so a structured
 * clone (the render worker's copy of the site) carries the file and offset, not the text; the worker calls
 * this again on its copy. `bytes`: the body as UTF-8, when the caller has it in hand (see holdBody).
 */
export function withBodyFrom<T extends { bodyFile?: BodyFile }>(holder: T, bytes?: Uint8Array): T & { body: string } {
  if (!holder.bodyFile) return holder as T & { body: string };
  if (bytes !== undefined) held.set(holder.bodyFile, bytes);
  return Object.defineProperty(holder, "body", BODY) as T & { body: string };
}

// Bodies read when their files were parsed, for the rest of the build. A body read from its file again, to
// render its page, cost open, stat, read, close and the decoding, ~60 µs here: ~130 ms of each thread's time
// in a cold build of 4,000 articles. They are held as the files' bytes, outside the heap: held as strings, the
// collector copied them from generation to generation (+60-90 ms of scavenges). Held, a cold build of 4,000
// took 2.5% less wall time and 3% less CPU (bench:ab, 20 rounds), for ~30 MB more at its peak. By the
// BodyFile, which lives as long as its documents: a document parsed anew (its file edited) has another.
const held = new WeakMap<BodyFile, Uint8Array>();
const UTF8 = new TextDecoder();

/**
 * Whether a build that parses `files` articles and pages keeps their bodies: ~25 MB at 4,000 articles, ~60 MB
 * at 10,000. A bigger site's bodies are read when asked for, and are never all in memory.
 */
export function holdsBodies(files: number): boolean {
  return files <= HOLD_BODIES_UP_TO;
}
const HOLD_BODIES_UP_TO = 10_000;

/** Keeps `bytes` as the body of `file` (the second thread's copy of a body the main thread holds), or lets it go. */
export function holdBody(file: BodyFile, bytes: Uint8Array | undefined): void {
  if (bytes === undefined) held.delete(file);
  else held.set(file, bytes);
}

/** The body of `file` as UTF-8, if held. */
export function heldBody(file: BodyFile | undefined): Uint8Array | undefined {
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
    const bytes = held.get(this.bodyFile);
    return bytes ? UTF8.decode(bytes) : readBody(this.bodyFile);
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
