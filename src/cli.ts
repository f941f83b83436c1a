import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { build } from "./build.js";
import { formatDiagnostic } from "./errors/format.js";
import type { Diagnostic } from "./errors/diagnostic.js";

// argv → command → exit code. The only module that prints.

const USAGE = `Usage: broadsheet build [--content DIR] [--templates DIR] [--out DIR] [--drafts] [--future] [--base-url URL]`;

/** The build's clock: SOURCE_DATE_EPOCH (seconds) when set, for reproducible builds; else the real time. */
export function resolveNow(env: NodeJS.ProcessEnv): number {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch.trim())) return Number(epoch.trim()) * 1000;
  return Date.now();
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "build") {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        content: { type: "string", default: "content" },
        templates: { type: "string", default: "templates" },
        out: { type: "string", default: "public" },
        drafts: { type: "boolean", default: false },
        future: { type: "boolean", default: false },
        "base-url": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    process.stderr.write(`broadsheet: ${(cause as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const started = performance.now();
  const result = await build({
    contentDir: values.content,
    templatesDir: values.templates,
    outDir: values.out,
    now: resolveNow(process.env),
    drafts: values.drafts,
    future: values.future,
    ...(values["base-url"] !== undefined && { baseUrl: values["base-url"] }),
  });
  printDiagnostics(result.diagnostics);
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  if (!result.ok) {
    process.stderr.write(`\nBuild failed: ${errors} error(s); nothing was written.\n`);
    return 1;
  }
  const ms = Math.round(performance.now() - started);
  const articles = result.index?.articles.length ?? 0;
  process.stdout.write(`Built ${result.files.length} files (${articles} articles) into ${values.out}/ in ${ms} ms\n`);
  return 0;
}

function printDiagnostics(diagnostics: Diagnostic[]): void {
  const texts = new Map<string, string | undefined>();
  const source = (file: string) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d, source)}\n\n`);
}
