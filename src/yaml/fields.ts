import { readFileSync } from "node:fs";
import { error, warning, type Diagnostic, type Location } from "../errors/diagnostic.js";
import { closest } from "../errors/suggest.js";
import type { YamlData } from "./parse-yaml.js";

/**
 * Reads typed fields from a YAML mapping, recording a diagnostic (with the key's or value's position)
 * for every field that is missing or of the wrong type. Values are never coerced: `slug: 0123` is a number
 * to YAML, and therefore an error here, not a silent 123.
 */
export class FieldReader {
  readonly map: Record<string, unknown>;

  constructor(
    private readonly data: YamlData,
    readonly file: string,
    readonly diagnostics: Diagnostic[],
    private readonly prefix: (string | number)[] = [],
    value: unknown = data.value,
  ) {
    this.map = isRecord(value) ? value : {};
  }

  /** The mapping at `key` as a reader of its own (for nested settings such as `categories`). */
  nested(key: string): FieldReader {
    return new FieldReader(this.data, this.file, this.diagnostics, [...this.prefix, key], this.map[key]);
  }

  has(key: string): boolean {
    return this.map[key] !== undefined && this.map[key] !== null;
  }

  at(key: string | number | (string | number)[], which: "key" | "value" = "value"): Location {
    const rest = Array.isArray(key) ? key : [key];
    return this.data.locate([...this.prefix, ...rest], which);
  }

  fieldName(key: string): string {
    return [...this.prefix, key].join(".");
  }

  string(key: string, opts: { required?: boolean; hint?: string } = {}): string | undefined {
    const value = this.map[key];
    if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
      if (opts.required) {
        const present = key in this.map;
        this.fail(present ? "field-empty" : "field-missing", key, present ? `${this.fieldName(key)} is empty` : `${this.fieldName(key)} is missing`, opts.hint ?? `Add "${key}: ..." to the front matter.`, present ? "value" : "file");
      }
      return undefined;
    }
    if (typeof value !== "string") {
      // Quoted as the file writes it (YAML reads 0123 as 123); where that cannot be read back, no value is offered.
      const text = typeof value === "object" ? undefined : this.written(key);
      this.fail("field-type", key, `${this.fieldName(key)} must be text, not ${describe(value)}`, text === undefined ? `Write text in double quotes: ${key}: "..."` : `Put the value in double quotes: ${key}: "${text}"`);
      return undefined;
    }
    if (hasControl(value)) {
      this.fail("field-control-char", key, `${this.fieldName(key)} contains an invisible control character (${controlName(value)})`, "Retype the value: control characters are not allowed in HTML and usually come from copy and paste.");
      return undefined;
    }
    return value.trim();
  }

  /** A list of text, or one text where `single` allows it (`author: anna` as well as `author: [anna, bob]`). */
  stringList(key: string, opts: { single?: boolean } = {}): string[] {
    const value = this.map[key];
    if (value === undefined || value === null) return [];
    if (typeof value === "string" && opts.single) return value.trim() === "" ? [] : [value.trim()];
    if (!Array.isArray(value)) {
      this.fail("field-type", key, `${this.fieldName(key)} must be a list, not ${describe(value)}`, `Write a list: ${key}: [first, second]`);
      return [];
    }
    const out: string[] = [];
    value.forEach((item, i) => {
      if (typeof item === "string" && hasControl(item)) {
        this.diagnostics.push(
          error("field-control-char", this.file, this.at([key, i]), `${this.fieldName(key)}[${i + 1}] contains an invisible control character (${controlName(item)})`, {
            field: this.fieldName(key),
            hint: "Retype the value: control characters are not allowed in HTML and usually come from copy and paste.",
          }),
        );
      } else if (typeof item !== "string" || item.trim() === "") {
        this.diagnostics.push(
          error("field-type", this.file, this.at([key, i]), `${this.fieldName(key)}[${i + 1}] must be text, not ${describe(item)}`, {
            field: this.fieldName(key),
            hint: "Quote each item of the list.",
          }),
        );
      } else out.push(item.trim());
    });
    return out;
  }

  integer(key: string, fallback: number, opts: { min: number }): number {
    const value = this.map[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < opts.min) {
      this.fail("field-range", key, `${this.fieldName(key)} must be a whole number of at least ${opts.min}, not ${describe(value)}`, `For example: ${key}: ${Math.max(opts.min, fallback)}`);
      return fallback;
    }
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.map[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "boolean") {
      this.fail("field-type", key, `${this.fieldName(key)} must be true or false, not ${describe(value)}`, `Write ${key}: true or ${key}: false, without quotes.`);
      return fallback;
    }
    return value;
  }

  /** Warns about keys that are not known, naming the likely intended key. */
  warnUnknownKeys(known: readonly string[]): void {
    for (const key of Object.keys(this.map)) {
      if (known.includes(key)) continue;
      const guess = closest(key, known);
      this.diagnostics.push(
        warning("unknown-field", this.file, this.at(key, "key"), `unknown field "${this.fieldName(key)}"`, {
          field: this.fieldName(key),
          hint: guess ? `Did you mean "${guess}"?` : `Known fields: ${known.join(", ")}.`,
        }),
      );
    }
  }

  /**
   * The scalar at `key` as the file writes it, for a hint: `0123`, `1e3` or `0x1F` where YAML read 123, 1000 or
   * 31. Undefined unless it is one plain word on its line (read again from the file: only on a mistake).
   */
  private written(key: string): string | undefined {
    const at = this.at(key, "value");
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return undefined;
    }
    const line = text.replace(/^\uFEFF/, "").split(/\r\n?|\n/)[at.line - 1] ?? "";
    const word = line.slice(at.column - 1).replace(/\s+#.*$/, "").trim();
    return /^[^\s"'#!&*,[\]{}]+$/.test(word) ? word : undefined;
  }

  fail(code: string, key: string, message: string, hint: string, where: "key" | "value" | "file" = "value"): void {
    // A missing key is reported at the mapping that lacks it: the nested mapping's own key, or the top.
    const whole = this.prefix.length > 0 ? this.data.locate(this.prefix, "key") : this.at([], "value");
    const at = where === "file" ? whole : this.at(key, where);
    this.diagnostics.push(error(code, this.file, at, message, { field: this.fieldName(key), hint }));
  }
}

// C0 controls other than tab and line feed, DEL, C1 controls, and the two noncharacters U+FFFE/U+FFFF:
// HTML forbids them, and a parser drops or replaces them, so the page would not show what was written.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff]/;

function hasControl(value: string): boolean {
  return CONTROL.test(value);
}

function controlName(value: string): string {
  const c = CONTROL.exec(value)?.[0] ?? "";
  return `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `${value}`;
  return `"${String(value)}"`;
}
