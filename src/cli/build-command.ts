import { tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import type { BuildOptions, BuildResult } from "../build.js";
import { checkStamp } from "../build-stamp.js";
import { resolveNow } from "./now.js";
import type { BuildSummary } from "../write/site-stamp.js";
import { UsageError, type Values } from "./args.js";
import { FORMATS, githubAnnotations, jsonReport, type Format } from "./formats.js";
import { count, paintFor, printDiagnostics, withProgress, type Output } from "./output.js";


export async function runBuild(values: Values<"build">, io: Output): Promise<number> {
  const started = performance.now();
  const options: BuildOptions = {
    contentDir: values.content,
    templatesDir: values.templates,
    outDir: values.out,
    now: resolveNow(io.env),
    drafts: values.drafts,
    future: values.future,
    strict: values.strict,
    noCache: values["no-cache"],
    ...(values["base-url"] !== undefined && { baseUrl: values["base-url"] }),
  };
  // The pipeline is loaded only when there is something to build.
  const checked = await checkStamp(options);
  const result: BuildResult = checked.unchanged ?? (await withProgress<BuildResult>(io, "Building", import("../build.js").then(({ build }) => build({ ...options, checked }))));
  const ms = Math.round(performance.now() - started);
  if (!result.ok) return failed(io, result, "Build failed");
  const warnings = result.diagnostics.filter((d) => d.severity === "warning");
  if (!values.quiet || warnings.length > 0) {
    const paint = paintFor(io.out, io.env);
    const summary = `Built ${result.written?.files ?? result.files.length} files (${count(articlesOf(result), "article")}) into ${values.out}/ in ${ms} ms`;
    io.out.write(`${paint.green(summary)}${warnings.length ? `, ${count(warnings.length, "warning")}:` : ""}\n`);
    const next = nextScheduled(result.summary);
    if (next && !values.quiet) io.out.write(`${next}\n`);
  }
  if (values.timings) io.err.write(result.stages.map(([stage, ms]) => `  ${stage}: ${ms} ms\n`).join(""));
  // Warnings come after the summary: the build succeeded, but someone should look.
  printDiagnostics(io, warnings);
  return 0;
}

export async function runCheck(values: Values<"check">, io: Output): Promise<number> {
  const formatName = values.format;
  if (!(FORMATS as readonly string[]).includes(formatName)) {
    throw new UsageError(`unknown --format ${JSON.stringify(formatName)}: use ${FORMATS.join(", ")}`);
  }
  const started = performance.now();
  const { build } = await import("../build.js");
  const result = await build({
    contentDir: values.content,
    templatesDir: values.templates,
    outDir: "public",
    now: resolveNow(io.env),
    strict: values.strict,
    dryRun: true,
  });
  const ms = Math.round(performance.now() - started);
  const code = result.ok ? 0 : 1;
  switch (formatName as Format) {
    case "json":
      io.out.write(jsonReport(result.ok, result.diagnostics, articlesOf(result)));
      return code;
    case "github":
      io.out.write(githubAnnotations(result.diagnostics));
      if (result.ok) io.out.write(`Checked ${count(articlesOf(result), "article")}: no errors\n`);
      else io.err.write(`Check failed: ${count(result.diagnostics.filter((d) => d.severity === "error").length, "error")}\n`);
      return code;
    case "text":
      if (!result.ok) return failed(io, result, "Check failed");
      io.out.write(`${paintFor(io.out, io.env).green(`Checked ${count(articlesOf(result), "article")}: no errors`)} (${ms} ms)\n`);
      printDiagnostics(io, result.diagnostics);
      return 0;
  }
}

function failed(io: Output, result: BuildResult, title: string): number {
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const warnings = result.diagnostics.filter((d) => d.severity === "warning");
  printDiagnostics(io, [...errors, ...warnings]);
  const summary = `${title}: ${count(errors.length, "error")}, ${count(warnings.length, "warning")}; nothing was written.`;
  io.err.write(`${paintFor(io.err, io.env).red(summary)}\n`);
  return 1;
}

function articlesOf(result: BuildResult): number {
  return result.summary?.articles ?? result.index?.articles.length ?? 0;
}

/** "next scheduled: content/articles/x.md at 2031-01-01 10:00 (Asia/Baku)": when the next build must run. */
export function nextScheduled(summary: BuildSummary | undefined): string | undefined {
  const next = summary?.next;
  if (!summary || !next) return undefined;
  const zone = summary.timeZone;
  const more = summary.moreScheduled;
  return `next scheduled: ${next.file} at ${format(next.date, "yyyy-MM-dd HH:mm", { in: tz(zone) })} (${zone})${more > 0 ? `, then ${more} more` : ""}`;
}
