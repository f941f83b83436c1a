import { hash } from "node:crypto";
import { error, type Diagnostic } from "../errors/diagnostic.js";
import { parseFrontMatter } from "./front-matter.js";
import type { ParsedFile } from "./parse-cache.js";
import { decodeText } from "./scan.js";
import { readWithStats } from "../write/read-file.js";

/**
 * A content file read and parsed: plain data either way, so a parse worker can hand it over. `body`: its body as
 * UTF-8, when asked for (see load-content.ts), and the file has neither CR nor BOM (whose text is not its bytes).
 */
export type FileOutcome = { parsed: ParsedFile; size: number; mtimeMs: number; body?: Uint8Array } | { diagnostics: Diagnostic[] };

/** Reads `abs` (shown as `file`) and parses its front matter; with `withBody`, the outcome holds the body too. */
export function parseFile(abs: string, file: string, withBody = false): FileOutcome {
  const { bytes, info } = readWithStats(abs);
  const decoded = decodeText(bytes);
  if (!decoded.ok) {
    return {
      diagnostics: [
        error("not-utf8", file, decoded, `the file is not valid UTF-8 (byte ${decoded.offset + 1})`, {
          hint: "Save the file as UTF-8 in your editor (not Windows-1252 or Latin-1).",
        }),
      ],
    };
  }
  const result = parseFrontMatter(decoded.text, file);
  if (!result.doc) return { diagnostics: result.diagnostics };
  const { data, body, bodyLine, bodyOffset } = result.doc;
  const head = decoded.text.slice(0, bodyOffset);
  const outcome: FileOutcome = {
    parsed: {
      source: digestBytes(bytes),
      head: hash("sha1", head, "base64"),
      value: data.value,
      positions: data.positions,
      bodyLine,
      bodyOffset,
      blankBody: body.trim() === "",
      bodyHasImages: body.includes("!["),
    },
    size: info.size,
    mtimeMs: info.mtimeMs,
  };
  // The file's own bytes, not a string: held for the build (see body-file.ts), they stay out of the collector's
  // way, and the second thread hands them over without a copy.
  if (withBody && !hasBom(bytes) && !bytes.includes(0x0d)) outcome.body = bytes.subarray(Buffer.byteLength(head));
  return outcome;
}

const hasBom = (bytes: Uint8Array) => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

export function digestBytes(bytes: Uint8Array): string {
  return hash("sha1", bytes, "base64");
}
