import type { BuildOptions } from "../build.js";
import { walkedStamp } from "../build-stamp.js";
import { watchFolders } from "../dev/watch.js";
import { reportOf } from "./build-report.js";
import { printBuild } from "./build-command.js";
import type { Values } from "./args.js";
import { keptBuilder, OutOfMemoryError, outOfMemoryAdvice, wantsHeapCap, type KeptBuilder } from "./heap-cap.js";
import { fixedNow, resolveNow } from "./now.js";
import { paintFor, type Output } from "./output.js";
import { untilStopped } from "./stop-signal.js";

// `broadsheet build --watch`: a build, then another on every change to the content or the templates, until
// Ctrl-C. Each is an ordinary build (incremental, atomic: a failed one leaves the output as it was), run in
// one heap-capped worker kept between builds, so a later build pays neither starting a worker nor loading
// and compiling the pipeline again: an edited story is written in a fraction of a second even on a big site.
// A site whose output changes with the clock alone (a scheduled story falls due, a story leaves the news
// sitemap) is built again at that time, unless SOURCE_DATE_EPOCH fixes the clock.

/** The longest delay setTimeout takes (~24.8 days); a later time is waited for in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** How long after a build whose stamp came from the watcher's reports its check against a walk waits (see inputStamp). */
const CHECK_AFTER_MS = 300;
/**
 * How long a difference the check found waits for the watcher to report it (a change made while it walked,
 * ~1 s at 100,000 articles, may be reported just after the walk): longer than the watcher's own wait. The walk
 * lets the watcher's reports in every few thousand files, and stops at the first: that change is built at
 * once, and its build is checked in turn.
 */
const REPORTS_SETTLE_MS = 150;

/**
 * Problems with the folders themselves, which no change to the content or templates fixes: at the first build
 * the watch stops (exit 1) rather than wait for a change that would only fail again.
 */
const FOLDER_PROBLEMS = new Set(["out-dir-unsafe", "content-missing", "templates-missing"]);
/**
 * Later, only the output folder's: a content or templates folder that has gone is one a deploy is swapping
 * (moved away and back, replaced), and its return is built as a change (see watchFolders).
 */
const LATER_FOLDER_PROBLEMS = new Set(["out-dir-unsafe"]);

/** Why a build runs: the first; files the watcher reported; the clock; changes the watcher missed. */
type Why = { first: true } | { files: string[]; reported: string[] } | { clock: true } | { missed: true };

export async function watchBuild(options: BuildOptions, values: Values<"build">, io: Output): Promise<number> {
  const builder: KeptBuilder = wantsHeapCap(process.execArgv, io.env) ? keptBuilder() : await inThisThread();
  const paint = paintFor(io.out, io.env);
  const fixedClock = fixedNow(io.env) !== undefined;
  let changed: string[] = [];
  let reported: string[] = [];
  let missed = false;
  let walkNext = false;
  let again = false;
  let running: Promise<void> | undefined;
  let stopping = false;
  let clock: NodeJS.Timeout | undefined;
  let check: NodeJS.Timeout | undefined;
  let reports = 0;
  let first = true;
  let gaveUp: () => void = () => {};
  const givenUp = new Promise<void>((resolve) => (gaveUp = resolve));
  let exitCode = 0;

  const once = (why: Why): Promise<void> =>
    buildOnce(why)
      .catch((cause: unknown) => {
        // The changes reported for it were not built: the next build asks every file.
        walkNext = true;
        if (cause instanceof OutOfMemoryError) io.err.write(outOfMemoryAdvice());
        else io.err.write(`broadsheet: internal error: ${cause instanceof Error ? cause.message : String(cause)}\n`);
      })
      .finally(() => {
        // Not once stopping: Ctrl-C during the first build, or a folder it refused.
        if (first && !stopping) io.out.write(`Watching ${options.contentDir}/ and ${options.templatesDir}/ for changes (Ctrl-C to stop)\n`);
        first = false;
      });
  const buildOnce = async (why: Why): Promise<void> => {
    const started = performance.now();
    const now = resolveNow(io.env);
    // The first build, one after changes the watcher missed and one after a build that threw walk every file;
    // the others ask only the files the watcher reported (none when the clock starts it), and are checked
    // against a walk once idle.
    const walk = "first" in why || "missed" in why || walkNext;
    walkNext = false;
    const report = await builder.build({ ...options, now, ...(!walk && { changed: "files" in why ? why.reported : [] }) });
    const ms = Math.round(performance.now() - started);
    const cause =
      "files" in why
        ? ` after a change to ${why.files[0]}${why.files.length > 1 ? ` and ${why.files.length - 1} more` : ""}`
        : "missed" in why
          ? " after changes the watcher did not report"
          : " as the clock reached a scheduled story or the news sitemap's edge";
    const after = first ? "" : `${cause}${report.written === undefined ? "" : `, ${report.written} written`}`;
    await printBuild(io, values, report, ms, first ? "" : `${paint.dim(new Date().toTimeString().slice(0, 8))} `, after);
    const unfixable = first ? FOLDER_PROBLEMS : LATER_FOLDER_PROBLEMS;
    if (report.diagnostics.some((d) => unfixable.has(d.code))) {
      io.err.write("Stopped watching: no change to the content or templates can fix that folder. Fix it, then start again.\n");
      exitCode = 1;
      stopping = true;
      gaveUp();
      return;
    }
    if (report.eventStamp !== undefined) checkLater(report.eventStamp);
    clearTimeout(clock);
    // A site without published stories changes with any clock (its feeds are dated by it), so its own time
    // is now: then its first scheduled story is the time to build again.
    const changesAt = report.summary?.changesAt;
    const at = changesAt !== undefined && changesAt > now ? changesAt : report.summary?.next?.date;
    // A few milliseconds late rather than early: timers may fire a little before the clock reads their time.
    if (!fixedClock && at !== undefined && at > now) clock = setTimeout(() => kick(), Math.min(at - Date.now() + 5, MAX_DELAY_MS)).unref();
  };
  /**
   * A watcher can miss changes (its queue overflows, a file is changed through a link from elsewhere): once
   * idle, the inputs are walked as a build without a watcher would, and built again if they differ.
   */
  const checkLater = (stamp: string): void => {
    clearTimeout(check);
    check = setTimeout(() => {
      if (running || stopping) return; // that build is checked in turn
      const before = reports;
      const unseen = () => {
        // A change the watcher reports after all is built as such (its build is checked in turn).
        check = setTimeout(() => reports === before && !running && kick([], [], true), REPORTS_SETTLE_MS).unref();
      };
      walkedStamp(options, () => reports === before && !running && !stopping).then((walked) => walked !== undefined && walked !== stamp && unseen(), unseen);
    }, CHECK_AFTER_MS).unref();
  };
  // One build at a time: changes made during a build are built right after it, together.
  const kick = (files: string[] = [], all: string[] = files, unseen = false): void => {
    changed.push(...files);
    reported.push(...all);
    missed ||= unseen;
    clearTimeout(check);
    if (stopping) return;
    if (running) {
      again = true;
      return;
    }
    const why: Why = missed ? { missed: true } : changed.length > 0 || reported.length > 0 ? { files: [...new Set(changed)], reported: [...new Set(reported)] } : first ? { first: true } : { clock: true };
    changed = [];
    reported = [];
    missed = false;
    again = false;
    running = once(why).finally(() => {
      running = undefined;
      if (again) kick();
    });
  };

  kick();
  const unwatch = watchFolders(
    [options.contentDir, options.templatesDir],
    (files, all) => {
      reports++;
      kick(files, all);
    },
    { onError: (message) => io.err.write(`broadsheet: ${message}\n`) },
  );
  await untilStopped(givenUp);
  // A build under way finishes (or fails) as a whole: the output is never left half-written.
  stopping = true;
  unwatch();
  clearTimeout(clock);
  clearTimeout(check);
  await running;
  await builder.close();
  return exitCode;
}

/** With a heap size chosen (no cap), the builds run in this thread, which keeps what the worker would. */
async function inThisThread(): Promise<KeptBuilder> {
  const [{ build }, { keepSnapshots, prefetchSnapshot }, { keepInputWalks }, { keepManifests }] = await Promise.all([
    import("../build.js"),
    import("../write/site-snapshot.js"),
    import("../content/input-stamp.js"),
    import("../write/manifest.js"),
  ]);
  keepSnapshots();
  keepInputWalks();
  keepManifests();
  return {
    async build(options) {
      const report = reportOf(await build(options));
      // As the worker does (capped-build.ts): once idle, the snapshot a body edit would resume from is read ahead.
      if (report.ok) setImmediate(() => prefetchSnapshot(options.outDir));
      return report;
    },
    close: async () => {},
  };
}
