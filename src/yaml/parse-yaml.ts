import { createRequire } from "node:module";
import type { Document, Node } from "yaml";
import { error, type Diagnostic, type Location } from "../errors/diagnostic.js";
import { fastYaml } from "./fast-yaml.js";

/** Parsed YAML plus positions, so every later check can point at the key or value it is about. */
export interface YamlData {
  value: unknown;
  /** Plain data (the parse cache stores it): where each key and value starts, by path. */
  positions: YamlPositions;
  /** Location of the value at `path` (or of its key with `at: "key"`); falls back to the nearest parent. */
  locate(path: readonly (string | number)[], at?: "key" | "value"): Location;
}

/**
 * Path → [value line, value column] or [value line, value column, key line, key column]. A path is its
 * steps, each "\u0001" + key in a mapping or "\u0002" + index in a sequence; "" is the document itself.
 * A table rather than the YAML tree: it is small, survives JSON, and the tree can be freed after parsing.
 */
export type YamlPositions = Record<string, number[]>;

/**
 * YAML 1.2 core schema: no timestamps (dates stay text until we read them in the site zone),
 * no custom tags, a cap on aliases (an alias bomb is an error, not 50 MB of memory).
 * `lineOffset` is the number of file lines before the YAML text (front matter starts after `---`).
 * Plain data takes the fast path (fast-yaml.ts); the rest, errors included, the `yaml` package.
 */
export function parseYaml(text: string, file: string, lineOffset = 0): { data?: YamlData; diagnostics: Diagnostic[] } {
  const fast = fastYaml(text, lineOffset);
  return fast ? { data: yamlData(fast.value, fast.positions), diagnostics: [] } : parseYamlFully(text, file, lineOffset);
}

// The `yaml` package (40 ms to load) is loaded the first time a document needs it: most builds never do.
const require = createRequire(import.meta.url);
let loaded: typeof import("yaml") | undefined;
const yamlPackage = () => (loaded ??= require("yaml") as typeof import("yaml"));

/** parseYaml by the `yaml` package alone: every document, every error. */
export function parseYamlFully(
  text: string,
  file: string,
  lineOffset = 0,
): { data?: YamlData; diagnostics: Diagnostic[] } {
  const { LineCounter, parseDocument } = yamlPackage();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    schema: "core",
    version: "1.2",
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    customTags: [],
    resolveKnownTags: false,
  });
  const toLocation = (offset: number): Location => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + lineOffset, column: pos.col };
  };
  const diagnostics: Diagnostic[] = doc.errors.map((e) =>
    error("yaml-syntax", file, toLocation(errorOffset(text, e.code, e.message, e.pos[0])), `YAML syntax error: ${firstLine(e.message)}`, {
      hint: /Missing closing .?quote/.test(e.message) ? "This quote is never closed: end the value with the same quote mark on the same line." : yamlHint(e.code),
    }),
  );
  // An unknown tag (`!!js/function`, `!foo`) would silently become text; it is never what an editor meant.
  for (const w of doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED")) {
    diagnostics.push(error("yaml-tag", file, toLocation(w.pos[0]), `YAML tag not allowed: ${firstLine(w.message)}`, {
      hint: "Remove the tag (the word starting with !); write plain values, quoted when needed.",
    }));
  }
  if (diagnostics.length > 0) return { diagnostics };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (cause) {
    return {
      diagnostics: [
        error("yaml-aliases", file, toLocation(firstAliasOffset(doc)), `YAML could not be read: ${firstLine(String((cause as Error).message))}`, {
          hint: "Remove YAML aliases (*name) and anchors (&name); write the values out in full.",
        }),
      ],
    };
  }
  return { data: yamlData(value, positionsOf(doc, toLocation)), diagnostics };
}

export function yamlData(value: unknown, positions: YamlPositions): YamlData {
  return { value, positions, locate: (path, at = "value") => locateIn(positions, path, at) };
}

function positionsOf(doc: Document, toLocation: (offset: number) => Location): YamlPositions {
  const { isMap, isPair, isScalar, isSeq } = yamlPackage();
  const spot = (l: Location) => [l.line, l.column];
  const root = doc.contents;
  const out: YamlPositions = { "": isNodeWithRange(root) ? spot(toLocation(root.range[0])) : [1, 1] };
  const walk = (node: unknown, prefix: string, best: number[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const path = `${prefix}\u0001${String(pair.key.value)}`;
        if (path in out) continue; // the first of two equal keys, as YAML reports the second
        const key = isNodeWithRange(pair.key) ? spot(toLocation(pair.key.range[0])) : best;
        const value = pair.value;
        // An empty value (`title:`) has no range worth pointing at: keep the key.
        const at = isNodeWithRange(value) && !(isScalar(value) && value.value === null) ? spot(toLocation(value.range[0])) : key;
        out[path] = [...at, ...key];
        walk(value, path, at);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const path = `${prefix}\u0002${i}`;
        const at = isNodeWithRange(item) ? spot(toLocation(item.range[0])) : best;
        out[path] = at;
        walk(item, path, at);
      });
    }
  };
  walk(root, "", out[""]!);
  return out;
}

function locateIn(positions: YamlPositions, path: readonly (string | number)[], at: "key" | "value"): Location {
  const location = (p: number[], key = false): Location => (key && p.length > 2 ? { line: p[2]!, column: p[3]! } : { line: p[0]!, column: p[1]! });
  let best = positions[""]!;
  let prefix = "";
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    let here = `${prefix}\u0001${String(step)}`;
    if (!(here in positions) && typeof step === "number") here = `${prefix}\u0002${step}`;
    const found = positions[here];
    if (found === undefined) return location(best);
    if (i === path.length - 1 && at === "key") return location(found, true);
    best = found;
    prefix = here;
  }
  return location(best);
}

function firstAliasOffset(doc: Document): number {
  const { isAlias, visit } = yamlPackage();
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.range) offset = node.range[0];
      return visit.BREAK;
    },
  });
  return offset;
}

function isNodeWithRange(node: unknown): node is Node & { range: [number, number, number] } {
  return typeof node === "object" && node !== null && Array.isArray((node as { range?: unknown }).range);
}

/**
 * The parser reports an unclosed quote where the text ends; the mistake is the opening quote, which is the
 * last quote of its kind before that point (everything after it was read as the string).
 */
function errorOffset(text: string, code: string, message: string, offset: number): number {
  const quote = /Missing closing (["'])quote/.exec(message)?.[1];
  if (code !== "MISSING_CHAR" || quote === undefined) return offset;
  const open = text.lastIndexOf(quote, offset - 1);
  return open === -1 ? offset : open;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function yamlHint(code: string): string {
  switch (code) {
    case "DUPLICATE_KEY":
      return "Each key may appear once; delete one of them.";
    case "TAB_AS_INDENT":
      return "Indent YAML with spaces, not tabs.";
    case "BAD_INDENT":
    case "BAD_DIRECTIVE":
      return "Check the indentation: keys of one level start in the same column.";
    case "MISSING_CHAR":
    case "MULTILINE_IMPLICIT_KEY":
    case "BLOCK_AS_IMPLICIT_KEY":
    case "UNEXPECTED_TOKEN":
      return 'A value containing ": " or starting with a quote must be quoted as a whole, e.g. title: "A: B".';
    default:
      return 'Check the YAML here; values with ":", "#", "&" or quotes are safest in double quotes.';
  }
}
