import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastYaml, lineByLine } from "../src/yaml/fast-yaml.js";
import { parseYaml, parseYamlFully } from "../src/yaml/parse-yaml.js";

// Front matter is read by js-yaml when it is plain data, and by the `yaml` package otherwise. An editor must not
// be able to tell: the same values, the same line and column in every message, the same errors.

const ROOT = path.resolve(import.meta.dirname, "..");

function frontMatters(): [string, string][] {
  const out: [string, string][] = [];
  for (const dir of ["content", "tests/fixtures"]) {
    for (const rel of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })) {
      if (!/\.(md|ya?ml)$/.test(rel)) continue;
      const text = readFileSync(path.join(ROOT, dir, rel), "utf8").replace(/\r\n?/g, "\n");
      if (!rel.endsWith(".md")) out.push([`${dir}/${rel}`, text]);
      else if (text.startsWith("---\n") && text.indexOf("\n---", 3) > 0) out.push([`${dir}/${rel}`, text.slice(3, text.indexOf("\n---", 3) + 1)]);
    }
  }
  return out;
}

/** What the `yaml` package alone gives: values and positions, or the messages. */
function fully(text: string) {
  const { data, diagnostics } = parseYamlFully(text, "a.md", 2);
  return data ? { value: data.value, positions: data.positions } : { diagnostics };
}

describe("the fast YAML path", () => {
  it("takes every front matter and data file of the demo site and the fixtures, with the same values and positions", () => {
    const files = frontMatters();
    expect(files.length).toBeGreaterThan(100);
    for (const [file, text] of files) {
      expect({ file, ...fastYaml(text, 2) }).toEqual({ file, ...fully(text) });
    }
  });

  it("agrees with the yaml package on every document it accepts, and leaves the others to it", () => {
    const key = fc.constantFrom("title", "tags", "a b", '"quoted: key"', "'x'", "1", "0x1F", "null", "true", "k", "__proto__", "<<");
    const value = fc.constantFrom(
      "", " plain text", " 12", " -0", " +5", " 0o17", " 0x1F", " 1_000", " 010", " 1.50", " .5", " 1e3", " -.inf", " .NaN", " ~", " Null", " TRUE", " yes", " off",
      ' "esc \\u00e9 \\" \\n"', " 'it''s'", " [a, 'b', 3]", " []", " {}", " {a: 1, b: [x]}", " [a: b]", " A: B", " x # note", " &anchor v", " *anchor", " !!str 5",
      " !custom x", " |\n  line one\n  line two", " >-\n  folded\n  text", "\n  - one\n  - 2\n  -\n  - ~", "\n- one\n- two", "\n  nested: 1\n  deeper:\n    x: [1]",
      " 2024-07-05 17:38", " \"unclosed", " 'bad''", " a\tb", "\n\tx: 1", " [1, 2", " - item", " @at", " `tick",
      "\n  - a: 1\n    b: [2]\n  - c", ' "multi\n  line"', " plain\n  continued", "\n  ? complex\n  : v", " {a: 1,\n  b: 2}", " [x,\n y]", " |+\n  kept\n\n", " >2\n   indented",
      "\n  - - inner\n    - 2", "\n  -   spaced", " 'a'  # c", ' "\t tab"', " ? x", " :x", " %d", " -", " --- ", " ...",
    );
    const line = fc.tuple(fc.constantFrom("", "", "", "  ", "# comment\n", "\n"), key, value).map(([lead, k, v]) => `${lead}${k}:${v}`);
    const doc = fc.array(line, { minLength: 1, maxLength: 6 }).map((lines) => `\n${lines.join("\n")}\n`);
    let accepted = 0;
    fc.assert(
      fc.property(doc, (text) => {
        const fast = fastYaml(text, 2);
        const slow = fully(text);
        if (fast) {
          accepted++;
          expect(fast).toEqual(slow);
        }
        // Whichever path reads it, parseYaml gives what the yaml package alone gives.
        const { data, diagnostics } = parseYaml(text, "a.md", 2);
        expect(data ? { value: data.value, positions: data.positions } : { diagnostics }).toEqual(slow);
      }),
      // FUZZ_RUNS=40000 npx vitest run tests/fast-yaml.test.ts tries more documents, with a random seed.
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: process.env.FUZZ_RUNS ? undefined : 20261129 },
    );
    // The generator is not so hostile that the fast path is never tried.
    expect(accepted).toBeGreaterThan(300);
  });

  it("reads a front matter of one `key: value` a line as the yaml package does, when it reads it line by line", () => {
    const char = fc.constantFrom(..."abcXYZ019 .-_:#\"'[]{},\\\t~!&*?|>%@`/é\u2028\u00a0\u3000".split(""));
    const text = fc.array(char, { maxLength: 12 }).map((chars) => chars.join(""));
    const word = fc.constantFrom("x", "Zürich", "12", "-0", "0x1F", "0o17", "1.5", "1e3", ".inf", "-.Inf", ".NaN", "true", "False", "null", "~", "2024-07-05 17:38", "a:b", "a -b", "yes");
    const safe = fc.array(fc.constantFrom(..."abcXYZ019 .-_/é".split("")), { minLength: 1, maxLength: 12 }).map((chars) => chars.join(""));
    const scalar = fc.oneof(safe, safe, text, word, text.map((s) => `"${s}"`), word.map((s) => `"${s}"`));
    const sep = fc.constantFrom(", ", ",", " , ", ",  ");
    const flow = fc.tuple(fc.array(scalar, { maxLength: 4 }), sep, fc.constantFrom("", " ")).map(([items, s, pad]) => `[${pad}${items.join(s)}${pad}]`);
    const key = fc.constantFrom("title", "tags", "date", "k_1", "a-b", "null", "True", "__proto__", "x y");
    const line = fc.tuple(key, fc.oneof(scalar, flow, fc.constant("")), fc.constantFrom("", " ", "  ")).map(([k, v, trail]) => `${k}:${v === "" ? "" : ` ${v}`}${trail}`);
    const doc = fc.tuple(fc.array(line, { minLength: 1, maxLength: 5 }), fc.constantFrom("\n", "\n\n")).map(([lines, gap]) => `\n${lines.join(gap)}\n`);
    let accepted = 0;
    fc.assert(
      fc.property(doc, (text) => {
        const read = lineByLine(text, 2);
        if (!read) return;
        accepted++;
        expect(read).toEqual(fully(text));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: process.env.FUZZ_RUNS ? undefined : 20261207 },
    );
    expect(accepted).toBeGreaterThan(300);
  });
});
