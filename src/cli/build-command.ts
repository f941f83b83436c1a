import { tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import { build, type BuildOptions, type BuildResult } from "../build.js";
import type { SiteIndex } from "../model.js";
import { UsageError, type Values } from "./args.js";
import { FORMATS, githubAnnotations, jsonReport, type Format } from "./formats.js";
import { count, paintFor, printDiagnostics, withProgress, type Output } from "./output.js";

/** The build's clock: SOURCE_DATE_EPOCH (seconds) when set, for reproducible builds; else the real time. */
export function resolveNow(env: NodeJS.ProcessEnv): number {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  if (epoch !== undefined && /^\d+$/.test(epoch)) return Number(epoch) * 1000;
  return Date.now();
}

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
  const result = await withProgress(io, "Building", build(options));
  const ms = Math.round(performance.now() - started);
  if (!result.ok) return failed(io, result, "Build failed");
  const warnings = result.diagnostics.filter((d) => d.severity === "warning");
  if (!values.quiet || warnings.length > 0) {
    const paint = paintFor(io.out, io.env);
    const summary = `Built ${result.written?.files ?? result.files.length} files (${count(articlesOf(result), "article")}) into ${values.out}/ in ${ms} ms`;
    io.out.write(`${paint.green(summary)}${warnings.length ? `, ${count(warnings.length, "warning")}:` : ""}\n`);
    const next = nextScheduled(result.index);
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
  return result.index?.articles.length ?? 0;
}

/** "next scheduled: content/articles/x.md at 2031-01-01 10:00 (Asia/Baku)": when the next build must run. */
export function nextScheduled(index: SiteIndex | undefined): string | undefined {
  const next = index?.scheduled[0];
  if (!index || !next) return undefined;
  const zone = index.config.timeZone;
  const more = index.scheduled.length - 1;
  return `next scheduled: ${next.file} at ${format(next.date, "yyyy-MM-dd HH:mm", { in: tz(zone) })} (${zone})${more > 0 ? `, then ${more} more` : ""}`;
}
