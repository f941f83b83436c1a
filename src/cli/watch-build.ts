import type { BuildOptions } from "../build.js";
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

export async function watchBuild(options: BuildOptions, values: Values<"build">, io: Output): Promise<number> {
  const builder: KeptBuilder = wantsHeapCap(process.execArgv, io.env) ? keptBuilder() : await inThisThread();
  const paint = paintFor(io.out, io.env);
  const fixedClock = fixedNow(io.env) !== undefined;
  let changed: string[] = [];
  let again = false;
  let running: Promise<void> | undefined;
  let stopping = false;
  let clock: NodeJS.Timeout | undefined;
  let first = true;

  const once = (files: string[]): Promise<void> =>
    buildOnce(files)
      .catch((cause: unknown) => {
        if (cause instanceof OutOfMemoryError) io.err.write(outOfMemoryAdvice());
        else io.err.write(`broadsheet: internal error: ${cause instanceof Error ? cause.message : String(cause)}\n`);
      })
      .finally(() => {
        if (first) io.out.write(`Watching ${options.contentDir}/ and ${options.templatesDir}/ for changes (Ctrl-C to stop)\n`);
        first = false;
      });
  const buildOnce = async (files: string[]): Promise<void> => {
    const started = performance.now();
    const now = resolveNow(io.env);
    const report = await builder.build({ ...options, now });
    const ms = Math.round(performance.now() - started);
    const after = first ? "" : `${files.length > 0 ? ` after a change to ${files[0]}${files.length > 1 ? ` and ${files.length - 1} more` : ""}` : " as the clock reached a scheduled story or the news sitemap's edge"}${report.written === undefined ? "" : `, ${report.written} written`}`;
    await printBuild(io, values, report, ms, first ? "" : `${paint.dim(new Date().toTimeString().slice(0, 8))} `, after);
    clearTimeout(clock);
    // A site without published stories changes with any clock (its feeds are dated by it), so its own time
    // is now: then its first scheduled story is the time to build again.
    const changesAt = report.summary?.changesAt;
    const at = changesAt !== undefined && changesAt > now ? changesAt : report.summary?.next?.date;
    // A few milliseconds late rather than early: timers may fire a little before the clock reads their time.
    if (!fixedClock && at !== undefined && at > now) clock = setTimeout(() => kick(), Math.min(at - Date.now() + 5, MAX_DELAY_MS)).unref();
  };
  // One build at a time: changes made during a build are built right after it, together.
  const kick = (files: string[] = []): void => {
    changed.push(...files);
    if (stopping) return;
    if (running) {
      again = true;
      return;
    }
    const these = [...new Set(changed)];
    changed = [];
    again = false;
    running = once(these).finally(() => {
      running = undefined;
      if (again) kick();
    });
  };

  kick();
  const unwatch = watchFolders([options.contentDir, options.templatesDir], kick, { onError: (message) => io.err.write(`broadsheet: ${message}\n`) });
  await untilStopped();
  // A build under way finishes (or fails) as a whole: the output is never left half-written.
  stopping = true;
  unwatch();
  clearTimeout(clock);
  await running;
  await builder.close();
  return 0;
}

/** With a heap size chosen (no cap), the builds run in this thread, which keeps what the worker would. */
async function inThisThread(): Promise<KeptBuilder> {
  const [{ build }, { keepSnapshots }] = await Promise.all([import("../build.js"), import("../write/site-snapshot.js")]);
  keepSnapshots();
  return { build: async (options) => reportOf(await build(options)), close: async () => {} };
}
