import { readFileSync } from "node:fs";
import type { BodyFile } from "../model.js";
import { decodeText } from "./scan.js";

/**
 * Gives `holder` a `body` read from its `bodyFile` whenever it is asked for. Not enumerable, so a structured
 * clone (the render worker's copy of the site) carries the file and offset, not the text; the worker calls
 * this again on its copy.
 */
export function withBodyFrom<T extends { bodyFile?: BodyFile }>(holder: T): T & { body: string } {
  if (!holder.bodyFile) return holder as T & { body: string };
  return Object.defineProperty(holder, "body", BODY) as T & { body: string };
}

// One getter for every document, reading the holder's own `bodyFile`: a getter of its own per object (a
// closure) gave each article a hidden class of its own, and every read of any of its fields went slow.
const BODY: PropertyDescriptor = {
  get(this: { bodyFile: BodyFile }) {
    return readBody(this.bodyFile);
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
