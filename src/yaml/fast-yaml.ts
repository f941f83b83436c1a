import { FAILSAFE_SCHEMA, load, Type, type State } from "js-yaml";
import type { YamlPositions } from "./parse-yaml.js";

// The fast path of parseYaml. The `yaml` package gives every node its position, which every error message needs,
// but it parses a 6-line front matter in ~0.13 ms warm (0.5 s for 4,000 articles): the largest single cost of
// loading a site. js-yaml parses the same in ~0.01 ms, and its listener reports where each node opens. This
// module accepts a document only when it is plain data whose every node it can place, in the very form
// parseYaml would give; anything else (errors, tags, anchors and aliases, keys that are collections, a null
// sequence item, keys that are not text) returns undefined and goes to the `yaml` package, which reports it as before.

// YAML 1.2 core schema, resolved exactly as the `yaml` package's "core" schema does (same patterns, same order).
const scalar = (name: string, resolve: (s: string) => boolean, construct: (s: string) => unknown) =>
  new Type(`tag:yaml.org,2002:${name}`, { kind: "scalar", resolve: (s: unknown) => typeof s === "string" && resolve(s), construct });
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const CORE = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar("null", (s) => NULL.test(s), () => null),
    scalar("bool", (s) => BOOL.test(s), (s) => s[0] === "t" || s[0] === "T"),
    scalar("int", (s) => INT_OCT.test(s) || INT.test(s) || INT_HEX.test(s), (s) =>
      INT_OCT.test(s) ? parseInt(s.slice(2), 8) : INT_HEX.test(s) ? parseInt(s.slice(2), 16) : parseInt(s, 10),
    ),
    scalar("float", (s) => FLOAT_NAN.test(s) || FLOAT_EXP.test(s) || FLOAT.test(s), (s) =>
      FLOAT_NAN.test(s) ? (s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? -Infinity : Infinity) : parseFloat(s),
    ),
  ],
});

/** A node as the listener saw it: where it opened, what it became, the nodes read inside it. */
interface Frame {
  open: number;
  close: number;
  result: unknown;
  children: Frame[];
}

/**
 * `text` parsed as plain data with the positions table parseYaml would give (lines shifted by `lineOffset`),
 * or undefined when this fast path cannot vouch for the result.
 */
export function fastYaml(text: string, lineOffset: number): { value: unknown; positions: YamlPositions } | undefined {
  const simple = lineByLine(text, lineOffset);
  if (simple) return simple;
  const root: Frame = { open: 0, close: 0, result: undefined, children: [] };
  const stack: Frame[] = [root];
  let value: unknown;
  try {
    value = load(text, {
      schema: CORE,
      listener(event: string, state: State) {
        if (event === "open") {
          const frame: Frame = { open: state.position, close: 0, result: undefined, children: [] };
          stack[stack.length - 1]!.children.push(frame);
          stack.push(frame);
        } else {
          const frame = stack.pop()!;
          frame.result = state.result;
          frame.close = state.position;
        }
      },
    });
  } catch {
    return undefined;
  }
  const top = root.children[0];
  if (root.children.length !== 1 || top === undefined || !isPlainMap(value) || top.result !== value) return undefined;
  const place = placer(text, lineOffset);
  const positions: YamlPositions = {};
  const start = nodeStart(text, top.open);
  if (start === undefined) return undefined;
  positions[""] = place(start);
  return walk(top, "", positions, text, place) ? { value, positions } : undefined;
}

/** Fills `positions` under `path` for `frame`'s children; false when they do not match its value one to one. */
function walk(frame: Frame, path: string, positions: YamlPositions, text: string, place: (offset: number) => number[]): boolean {
  const value = frame.result;
  // A flow collection or a quoted or plain scalar over several lines: the two parsers do not always agree on
  // how far such a node must be indented, or how its lines fold.
  const start = nodeStart(text, frame.open);
  if (start === undefined) return false;
  const flow = typeof value === "object" && value !== null ? "[{".includes(text[start]!) : !"|>".includes(text[start]!);
  if (flow && text.slice(start, frame.close).trimEnd().includes("\n")) return false;
  if (Array.isArray(value)) {
    if (frame.children.length !== value.length) return false;
    return value.every((item, i) => {
      const child = frame.children[i]!;
      const start = nodeStart(text, child.open);
      if (start === undefined || !Object.is(child.result, item) || item === null) return false;
      const here = `${path}\u0002${i}`;
      positions[here] = place(start);
      return walk(child, here, positions, text, place);
    });
  }
  if (isPlainMap(value)) {
    const keys = Object.keys(value);
    if (frame.children.length !== keys.length * 2) return false;
    for (let i = 0; i < keys.length; i++) {
      const keyFrame = frame.children[2 * i]!;
      const valueFrame = frame.children[2 * i + 1]!;
      // Keys that YAML reads as null, numbers or booleans become text in ways of the yaml package's own.
      const name = keyFrame.result;
      if (typeof name !== "string" || !walk(keyFrame, "", {}, text, place)) return false;
      if (!Object.hasOwn(value, name) || !Object.is(value[name], valueFrame.result)) return false;
      const keyStart = nodeStart(text, keyFrame.open);
      if (keyStart === undefined) return false;
      const keyAt = place(keyStart);
      // An empty or null value has no position worth pointing at: the key's, as parseYaml gives.
      let at = keyAt;
      if (valueFrame.result !== null) {
        const valueStart = nodeStart(text, valueFrame.open);
        if (valueStart === undefined) return false;
        at = place(valueStart);
      }
      const here = `${path}\u0001${name}`;
      positions[here] = [...at, ...keyAt];
      if (!walk(valueFrame, here, positions, text, place)) return false;
    }
    return true;
  }
  // A scalar in a sequence is first read as a possible mapping key, which the listener reports as a node inside it.
  const [inner, ...more] = frame.children;
  return inner === undefined || (more.length === 0 && Object.is(inner.result, value) && walk(inner, path, positions, text, place));
}

/**
 * Where the node that opened at `offset` starts: past spaces, line breaks and comments. Undefined when it starts
 * with a tag, an anchor or an alias (`!`, `&`, `*`), which this path leaves to the `yaml` package.
 */
function nodeStart(text: string, offset: number): number | undefined {
  let i = offset;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23 /* # */) {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end;
    } else if (c === 0x21 || c === 0x26 || c === 0x2a) return undefined;
    else return i;
  }
}

/** Offset → [line, column], 1-based, with `lineOffset` added to the line. */
function placer(text: string, lineOffset: number): (offset: number) => number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1 + lineOffset, offset - starts[lo]! + 1];
  };
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Faster still: the front matter a newsroom writes, one `key: value` to a line, read line by line (js-yaml and
// its listener took ~300 ms of a cold build's CPU at 4,000 articles, on two threads). A value is plain text, a
// number, a boolean, null, a double-quoted string without escapes, or a one-line flow sequence of such
// (null items aside). Anything else, or anything in doubt, goes to js-yaml above.
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?$/;
/** Characters a plain scalar may not start with (YAML indicators), and may not hold here. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const UNSAFE_PLAIN = /: |:$| #|[\t"'[\]{}]/;
const UNSAFE_QUOTED = /["\\\t]/;
/** Characters YAML refuses or treats apart (control characters, a BOM, lone surrogates). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufeff\ufffe\uffff\ud800-\udfff]/;

/** `text` as fastYaml gives it, when every line is `key: value` (or blank) of the kinds above; else undefined. */
export function lineByLine(text: string, lineOffset: number): { value: unknown; positions: YamlPositions } | undefined {
  const value: Record<string, unknown> = {};
  const positions: YamlPositions = {};
  let line = lineOffset;
  for (let from = 0; from < text.length; ) {
    const newline = text.indexOf("\n", from);
    const end = newline === -1 ? text.length : newline;
    const row = text.slice(from, end);
    from = end + 1;
    line++;
    if (row === "") continue;
    const match = KEY_LINE.exec(row);
    if (!match || CONTROL.test(row)) return undefined;
    const key = match[1]!;
    // Keys YAML reads as null or booleans, and one that would set the object's prototype, are left to js-yaml.
    // So are very long keys (YAML allows an implicit key 1,024 characters at most).
    if (key === "__proto__" || key.length > 1000 || NULL.test(key) || BOOL.test(key) || Object.hasOwn(value, key)) return undefined;
    const raw = spacesOff(match[2] ?? "");
    const column = key.length + 3;
    positions[""] ??= [line, 1];
    if (raw === "") {
      value[key] = null;
      positions[`\u0001${key}`] = [line, 1, line, 1];
      continue;
    }
    if (raw[0] === " ") return undefined;
    let read: unknown;
    if (raw[0] === "[") {
      const items = flowItems(raw);
      if (!items) return undefined;
      read = items.map(([item]) => item);
      items.forEach(([, at], i) => (positions[`\u0001${key}\u0002${i}`] = [line, column + at]));
    } else {
      read = oneLineScalar(raw);
      if (read === undefined) return undefined;
    }
    value[key] = read;
    positions[`\u0001${key}`] = read === null ? [line, 1, line, 1] : [line, column, line, 1];
  }
  return positions[""] ? { value, positions } : undefined;
}

/** `s` without its trailing spaces: YAML's, not JavaScript's trimEnd, which takes no-break and other spaces too. */
const spacesOff = (s: string) => s.replace(/ +$/, "");

/** A one-line scalar: a double-quoted string without escapes, or plain; undefined when in doubt. */
function oneLineScalar(raw: string): unknown {
  if (raw[0] === '"') {
    const inner = raw.slice(1, -1);
    return raw.length >= 2 && raw.endsWith('"') && !UNSAFE_QUOTED.test(inner) ? inner : undefined;
  }
  if (INDICATOR.test(raw) || UNSAFE_PLAIN.test(raw)) return undefined;
  return plain(raw);
}

/** A plain scalar resolved by the core schema, as CORE does (null, bool, int, float, in that order), or text. */
function plain(s: string): unknown {
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === "t" || s[0] === "T";
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (INT.test(s)) return parseInt(s, 10);
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? -Infinity : Infinity;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

/** The items of a one-line flow sequence, each with its offset in `raw`; undefined when in doubt. */
function flowItems(raw: string): [unknown, number][] | undefined {
  if (!raw.endsWith("]")) return undefined;
  const items: [unknown, number][] = [];
  let i = 1;
  const skip = () => {
    while (raw[i] === " ") i++;
  };
  skip();
  if (raw[i] === "]") return i === raw.length - 1 ? items : undefined;
  for (;;) {
    const at = i;
    let item: unknown;
    if (raw[i] === '"') {
      const close = raw.indexOf('"', i + 1);
      if (close === -1) return undefined;
      item = oneLineScalar(raw.slice(i, close + 1));
      i = close + 1;
    } else {
      let stop = i;
      while (stop < raw.length && raw[stop] !== "," && raw[stop] !== "]") stop++;
      const text = spacesOff(raw.slice(i, stop));
      item = text === "" ? undefined : oneLineScalar(text);
      i = stop;
    }
    // A null item is left to js-yaml, as the walk above leaves it.
    if (item === undefined || item === null) return undefined;
    items.push([item, at]);
    skip();
    if (raw[i] === "]") return i === raw.length - 1 ? items : undefined;
    if (raw[i] !== ",") return undefined;
    i++;
    skip();
  }
}
