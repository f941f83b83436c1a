import type { BuildOptions } from "../build.js";
import { checkStamp } from "../build-stamp.js";
import { throughLink } from "../write/output-folder.js";
import { pathsUnder } from "../config/display-path.js";
import { MARKDOWN } from "../content/scan.js";
import { holdsBodies } from "../content/body-file.js";
import { hasManifest } from "../write/manifest.js";
import type { SecondThread } from "../parallel/second-thread.js";
import { isHttpUrl } from "../config/http-url.js";
import { resolveNow } from "./now.js";
import type { BuildSummary } from "../write/site-stamp.js";
import { UsageError, type Values } from "./args.js";
import { reportOf, type BuildReport } from "./build-report.js";
import type { Format } from "./formats.js";
import { count, paintFor, printDiagnostics, withProgress, type Output } from "./output.js";

// The pipeline (src/build.ts and all it loads) is imported only when there is something to build or check, and
// runs in a heap-capped worker when the site is big (see CAP_FROM_FILES) unless a heap size was chosen, else in
// this thread; a no-op build ends at the stamp check in this thread,
// and loads only what that check and the summary need. A build that resumes from the last build's snapshot
// (article bodies edited, see build-resume.ts) runs in this thread.

export async function runBuild(values: Values<"build">, io: Output): Promise<number> {
  const started = performance.now();
  // A mistake in a flag is the command line's, not site.yml's (whose baseUrl it replaces).
  if (values["base-url"] !== undefined && !isHttpUrl(values["base-url"])) {
    throw new UsageError(`--base-url must be an absolute http(s) address, not ${JSON.stringify(values["base-url"])}, e.g. --base-url https://staging.example.com/`);
  }
  const options: BuildOptions = {
    contentDir: values.content,
    templatesDir: values.templates,
    outDir: throughLink(values.out),
    now: resolveNow(io.env),
    drafts: values.drafts,
    future: values.future,
    strict: values.strict,
    noCache: values["no-cache"],
    ...(values["base-url"] !== undefined && { baseUrl: values["base-url"] }),
  };
  if (values.watch) return (await import("./watch-build.js")).watchBuild(options, values, io);
  const early = await earlySecondThread(options, io.env);
  let result: BuildReport | undefined;
  try {
    const checked = await checkStamp(options, early?.listed);
    result = checked.unchanged ? reportOf(checked.unchanged) : await pipeline({ ...options, checked }, io, early?.thread);
  } finally {
    // The build that took it has closed it; not when there was nothing to build, or the check failed.
    await early?.thread?.close();
  }
  if (!result) return 70;
  return printBuild(io, values, result, Math.round(performance.now() - started));
}

/**
 * What a build prints: its summary (and when the next scheduled story is due), its timings and warnings; or
 * its problems. A `build --watch` build's summary starts with the time (`lead`) and says what it follows
 * (`after`: "after a change to …"). The exit code.
 */
export async function printBuild(io: Output, values: Values<"build">, result: BuildReport, ms: number, lead = "", after = ""): Promise<number> {
  if (!result.ok) return failed(io, result, `${lead}Build failed${after}`);
  const warnings = result.diagnostics.filter((d) => d.severity === "warning");
  if (!values.quiet || warnings.length > 0) {
    const paint = paintFor(io.out, io.env);
    const summary = `Built ${result.files} files (${count(result.articles, "article")}) into ${values.out}/ in ${ms} ms${after}`;
    io.out.write(`${lead}${paint.green(summary)}${warnings.length ? `, ${count(warnings.length, "warning")}:` : ""}\n`);
    const next = await nextScheduled(result.summary);
    if (next && !values.quiet) io.out.write(`${next}\n`);
  }
  if (values.timings) io.err.write(result.stages.map(([stage, ms]) => `  ${stage}: ${ms} ms\n`).join(""));
  // Warnings come after the summary: the build succeeded, but someone should look.
  printDiagnostics(io, warnings);
  return 0;
}

export async function runCheck(values: Values<"check">, io: Output): Promise<number> {
  const { FORMATS, githubAnnotations, jsonReport } = await import("./formats.js");
  const formatName = values.format;
  if (!(FORMATS as readonly string[]).includes(formatName)) {
    throw new UsageError(`unknown --format ${JSON.stringify(formatName)}: use ${FORMATS.join(", ")}`);
  }
  const started = performance.now();
  const options: BuildOptions = { contentDir: values.content, templatesDir: values.templates, outDir: "public", now: resolveNow(io.env), strict: values.strict, dryRun: true, encodeImages: false, keepFiles: false };
  // The walk a build's stamp check makes: its count decides, as for a build, whether the check needs the
  // heap-capped worker, and loading reuses the sizes and times it took. A check never resumes a build.
  const { inputStamp } = await import("../content/input-stamp.js");
  const { stats } = await inputStamp(options.contentDir, options.templatesDir, null);
  const result = await pipeline({ ...options, checked: { stats: stats(), candidate: false } }, io);
  if (!result) return 70;
  const ms = Math.round(performance.now() - started);
  const code = result.ok ? 0 : 1;
  switch (formatName as Format) {
    case "json":
      io.out.write(jsonReport(result.ok, result.diagnostics, result.articles));
      return code;
    case "github":
      io.out.write(githubAnnotations(result.diagnostics));
      if (result.ok) io.out.write(`Checked ${count(result.articles, "article")}: no errors\n`);
      else io.err.write(`Check failed: ${count(result.diagnostics.filter((d) => d.severity === "error").length, "error")}\n`);
      return code;
    case "text":
      if (!result.ok) return failed(io, result, "Check failed");
      io.out.write(`${paintFor(io.out, io.env).green(`Checked ${count(result.articles, "article")}: no errors`)} (${ms} ms)\n`);
      printDiagnostics(io, result.diagnostics);
      return 0;
  }
}

/**
 * `build(options)`, heap-capped when big unless a heap size was chosen, as a report; undefined when it ran out of
 * memory (said here: a stack trace would not tell what to do). Any other failure is thrown: an internal error.
 */
async function pipeline(options: BuildOptions, io: Output, early?: SecondThread): Promise<BuildReport | undefined> {
  const { OutOfMemoryError, buildWithHeapCap, outOfMemoryAdvice, wantsHeapCap } = await import("./heap-cap.js");
  // The worker need not ask again whether the build may resume: tryResume has.
  const inWorker = options.checked ? { ...options, checked: { ...options.checked, candidate: false as const } } : options;
  const capped = wantsHeapCap(process.execArgv, io.env, options.checked?.stats?.size);
  // The heap-capped worker opens a second thread of its own (a site on the edge of both counts).
  if (capped) await early?.close();
  const run = capped
    ? tryResume(options).then((report) => report ?? buildWithHeapCap(inWorker))
    : withSecondThread(options, early).then(async (given) => {
        try {
          const { build } = await import("../build.js");
          return reportOf(await build(given));
        } finally {
          await given.second?.close();
        }
      });
  try {
    return await (options.dryRun ? run : withProgress(io, "Building", run));
  } catch (cause) {
    if (!(cause instanceof OutOfMemoryError)) throw cause;
    io.err.write(outOfMemoryAdvice());
    return undefined;
  }
}

/**
 * The build's options with its second thread, opened now when the build will read every file of a big site or
 * make its pages again (see secondThreadFor): the thread loads its modules while this one loads the pipeline's
 * (~60-100 ms), and joins the parsing that much sooner. build() would otherwise open it after that loading.
 */
async function withSecondThread(options: BuildOptions, early?: SecondThread): Promise<BuildOptions> {
  const [{ resumeCandidate }, { secondThreadFor, WORKER_THRESHOLD }] = await Promise.all([import("../resume-candidate.js"), import("../parallel/second-thread.js")]);
  const stamped = options.checked;
  if (!stamped) return early ? { ...options, second: early } : options;
  // build() asks the same, unless told (see build()).
  const checked = stamped.candidate === undefined ? { ...stamped, candidate: resumeCandidate(options, stamped) ?? (false as const) } : stamped;
  const second = early ?? secondThreadFor({ ...options, checked }, options.workerThreshold ?? WORKER_THRESHOLD);
  return { ...options, checked, ...(second && { second }) };
}

/**
 * The second thread of a build that reads every file (with --no-cache, or no manifest from an earlier build: see
 * secondThreadFor) of a big site, opened as soon as the stamp check's walk has been through the content folder:
 * the thread is then up by the time the first files are parsed, not ~70 ms after. It is handed the last stories
 * at once (see SecondThread.parseAhead): it is up ~100 ms before this thread has loaded the pipeline and starts
 * to parse. Not for a site the heap-capped worker builds: that worker opens its own.
 */
async function earlySecondThread(options: BuildOptions, env: NodeJS.ProcessEnv): Promise<{ listed: (files: readonly string[]) => void; readonly thread?: SecondThread } | undefined> {
  if (!options.noCache && hasManifest(options.outDir)) return undefined;
  const [{ openSecondThread, twoCores, WORKER_THRESHOLD }, { wantsHeapCap }] = await Promise.all([import("../parallel/second-thread.js"), import("./heap-cap.js")]);
  let thread: SecondThread | undefined;
  return {
    listed(files) {
      if (thread || files.length < WORKER_THRESHOLD || !twoCores() || wantsHeapCap(process.execArgv, env, files.length)) return;
      thread = openSecondThread();
      // Whether loading will hold the bodies, as it decides (see loadContent): by its articles and pages.
      const documents = files.filter((rel) => (rel.startsWith("articles/") || rel.startsWith("pages/")) && MARKDOWN.test(rel)).length;
      thread.parseAhead(storiesAhead(options.contentDir, files), holdsBodies(documents));
    },
    get thread() {
      return thread;
    },
  };
}

/**
 * The stories a cold build's second thread parses while this thread loads the pipeline: the last ones listed,
 * never more than a quarter of them. At 4,000 articles it parses ~500 before this thread starts on its own;
 * handed 1,000 rather than 600, the last file was parsed ~25 ms sooner (medians of 16 builds each).
 */
function storiesAhead(contentDir: string, files: readonly string[]): [string, string][] {
  const stories = files.filter((rel) => rel.startsWith("articles/") && MARKDOWN.test(rel));
  const under = pathsUnder(contentDir);
  return stories.slice(stories.length - Math.min(AHEAD, Math.floor(stories.length / 4))).map((rel) => {
    const { abs, file } = under(rel);
    return [abs, file];
  });
}

const AHEAD = 1000;

/**
 * A build that may resume from the last build's snapshot (it changed article bodies only) runs here, not in
 * the heap-capped worker: it needs little memory, and the worker and its modules cost ~50 ms, a sixth of it.
 * Undefined when the build must take the full way (then in the worker, which need not ask again).
 */
async function tryResume(options: BuildOptions): Promise<BuildReport | undefined> {
  const { resumeCandidate } = await import("../resume-candidate.js");
  const candidate = resumeCandidate(options, options.checked);
  // A story published makes every page again: on a site this big, that is the heap-capped worker's to do.
  if (!candidate || candidate.added.length > 0) return undefined;
  const { resumeHere } = await import("./resume-here.js");
  return resumeHere({ ...options, checked: { ...options.checked, candidate } });
}

function failed(io: Output, result: BuildReport, title: string): number {
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const warnings = result.diagnostics.filter((d) => d.severity === "warning");
  printDiagnostics(io, [...errors, ...warnings]);
  const summary = `${title}: ${count(errors.length, "error")}, ${count(warnings.length, "warning")}; nothing was written.`;
  io.err.write(`${paintFor(io.err, io.env).red(summary)}\n`);
  return 1;
}

/** "next scheduled: content/articles/x.md at 2031-01-01 10:00 (Asia/Baku)": when the next build must run. */
export async function nextScheduled(summary: BuildSummary | undefined): Promise<string | undefined> {
  const next = summary?.next;
  if (!summary || !next) return undefined;
  // Loaded only for a site with a scheduled story: most builds print no date.
  const [{ tz }, { format }] = await Promise.all([import("@date-fns/tz"), import("date-fns/format")]);
  const zone = summary.timeZone;
  const more = summary.moreScheduled;
  return `next scheduled: ${next.file} at ${format(next.date, "yyyy-MM-dd HH:mm", { in: tz(zone) })} (${zone})${more > 0 ? `, then ${more} more` : ""}`;
}
