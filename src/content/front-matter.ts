import matter from "gray-matter";
import { error, type Diagnostic } from "../errors/diagnostic.js";
import { parseYaml, type YamlData } from "../yaml/parse-yaml.js";

export interface FrontMatterDocument {
  data: YamlData;
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
  /** Where the body starts in `text`. */
  bodyOffset: number;
}

// gray-matter is asked only to split the file; the YAML is parsed by parseYaml (positions, core schema).
// Its engine returns nothing so gray-matter never runs a parser of its own, and passing options
// keeps it from caching results by content (identical files would otherwise share one object).
const splitOnly = { parse: () => ({}), stringify: () => "" };
const MATTER_OPTIONS = { language: "yaml", engines: { yaml: splitOnly } } as const;

/**
 * Splits `---` front matter from a Markdown body. Only YAML front matter is accepted:
 * gray-matter would evaluate `---js` front matter as code, so any other fence language is refused first.
 * `text` has LF line endings and no BOM.
 */
export function parseFrontMatter(
  text: string,
  file: string,
): { doc?: FrontMatterDocument; diagnostics: Diagnostic[] } {
  const firstLineEnd = text.indexOf("\n");
  const firstLine = firstLineEnd === -1 ? text : text.slice(0, firstLineEnd);
  if (!/^---\s*$/.test(firstLine)) {
    const language = /^---\s*(\S+)/.exec(firstLine)?.[1];
    if (language !== undefined && language.toLowerCase() !== "yaml") {
      return fail(error("front-matter-language", file, { line: 1, column: 4 }, `front matter in "${language}" is not accepted`, {
        hint: "Write front matter in YAML between two lines of three dashes (---); code in front matter is never run.",
      }));
    }
    if (language === undefined) {
      return fail(error("front-matter-missing", file, { line: 1, column: 1 }, "the file does not start with front matter", {
        hint: "Start the file with a line '---', the fields (title: ..., category: ..., date: ...), and another '---'.",
      }));
    }
  }
  if (!/\n---[ \t]*(\n|$)/.test(text.slice(firstLine.length))) {
    return fail(error("front-matter-unclosed", file, { line: 1, column: 1 }, "the front matter is never closed", {
      hint: "Add a line of three dashes (---) after the last field, before the body.",
    }));
  }
  // gray-matter is given the text up to just past its closing delimiter: it keys a cache lookup by the whole
  // string it is given, which for a long body costs more than the split. The body is the rest of the text.
  const close = text.indexOf("\n---", firstLine.length);
  const head = text.slice(0, close + 6);
  const split = matter(head, MATTER_OPTIONS);
  const yamlText = (split as unknown as { matter: string }).matter ?? "";
  // gray-matter keeps the rest of the opening line, so YAML line 1 is file line 1.
  const parsed = parseYaml(yamlText, file, 0);
  if (!parsed.data) return { diagnostics: parsed.diagnostics };
  const bodyOffset = head.length - split.content.length;
  const bodyLine = countLines(text, bodyOffset);
  return { doc: { data: parsed.data, body: text.slice(bodyOffset), bodyLine, bodyOffset }, diagnostics: parsed.diagnostics };
}

function countLines(text: string, end: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function fail(d: Diagnostic): { diagnostics: Diagnostic[] } {
  return { diagnostics: [d] };
}
