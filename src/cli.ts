import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { build, type BuildResult } from "./build.js";
import type { Diagnostic } from "./errors/diagnostic.js";
import { formatDiagnostic } from "./errors/format.js";

// argv → command → exit code (0 ok, 1 content errors, 2 usage errors). The only module that prints.

const USAGE = `Usage:
  broadsheet build [--content DIR] [--templates DIR] [--out DIR] [--drafts] [--future] [--base-url URL] [--strict] [--quiet] [--no-cache]
  broadsheet check [--content DIR] [--templates DIR] [--strict]`;

const OPTIONS = {
  content: { type: "string", default: "content" },
  templates: { type: "string", default: "templates" },
  out: { type: "string", default: "public" },
  drafts: { type: "boolean", default: false },
  future: { type: "boolean", default: false },
  "base-url": { type: "string" },
  strict: { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
  // A cold build: ignore .broadsheet-cache/ (the write manifest) and rewrite every file.
  "no-cache": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The build's clock: SOURCE_DATE_EPOCH (seconds) when set, for reproducible builds; else the real time. */
export function resolveNow(env: NodeJS.ProcessEnv): number {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  if (epoch !== undefined && /^\d+$/.test(epoch)) return Number(epoch) * 1000;
  return Date.now();
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "build" && command !== "check") {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined || command === "--help" || command === "-h" ? 0 : 2;
  }
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (cause) {
    process.stderr.write(`broadsheet: ${(cause as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = performance.now();
  const result = await build({
    contentDir: values.content,
    templatesDir: values.templates,
    outDir: values.out,
    now: resolveNow(process.env),
    drafts: values.drafts,
    future: values.future,
    strict: values.strict,
    noCache: values["no-cache"],
    dryRun: command === "check",
    ...(values["base-url"] !== undefined && { baseUrl: values["base-url"] }),
  });
  const ms = Math.round(performance.now() - started);
  return report(result, command, values.out, ms, values.quiet);
}

function report(result: BuildResult, command: "build" | "check", out: string, ms: number, quiet: boolean): number {
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const warnings = result.diagnostics.filter((d) => d.severity === "warning");
  if (!result.ok) {
    printDiagnostics(errors);
    printDiagnostics(warnings);
    process.stderr.write(`${command === "build" ? "Build failed" : "Check failed"}: ${count(errors.length, "error")}, ${count(warnings.length, "warning")}; nothing was written.\n`);
    return 1;
  }
  const articles = result.index?.articles.length ?? 0;
  if (!quiet || warnings.length > 0) {
    const summary =
      command === "build"
        ? `Built ${result.written?.files ?? result.files.length} files (${count(articles, "article")}) into ${out}/ in ${ms} ms`
        : `Checked ${count(articles, "article")}: no errors (${ms} ms)`;
    process.stdout.write(`${summary}${warnings.length ? `, ${count(warnings.length, "warning")}:` : ""}\n`);
  }
  // Warnings come after the summary: the build succeeded, but someone should look.
  printDiagnostics(warnings);
  return 0;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function printDiagnostics(diagnostics: Diagnostic[]): void {
  const texts = new Map<string, string | undefined>();
  const source = (file: string) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, "utf8").replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n"));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d, source)}\n\n`);
}
