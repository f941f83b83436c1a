import { readFileSync } from "node:fs";
import type { BodyFile } from "../model.js";
import { decodeText } from "./scan.js";

/**
 * Gives `holder` a `body` read from its `bodyFile` whenever it is asked for. Not enumerable, so a structured
 * clone (the render worker's copy of the site) carries the file and offset, not the text; the worker calls
 * this again on its copy.
 */
export function withBodyFrom<T extends { bodyFile?: BodyFile }>(holder: T): T & { body: string } {
  const from = holder.bodyFile;
  if (!from) return holder as T & { body: string };
  return Object.defineProperty(holder, "body", { get: () => readBody(from), enumerable: false, configurable: true }) as T & { body: string };
}

function readBody({ path: file, offset }: BodyFile): string {
  try {
    const decoded = decodeText(readFileSync(file));
    return decoded.ok ? decoded.text.slice(offset) : "";
  } catch {
    return ""; // deleted while the build ran: the next build drops its pages
  }
}
