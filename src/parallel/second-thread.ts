import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { BuildOptions } from "../build.js";
import { hasManifest, type Manifest } from "../write/manifest.js";
import { toolIdentity } from "../write/tool-identity.js";
import type { FileOutcome } from "../content/parse-file.js";
import type { RenderResult } from "../render/page-bytes.js";
import type { SyndicationFile, SyndicationPlan } from "../render/render-syndication.js";
import type { Redirect } from "../routes/plan-redirects.js";
import { compiledWorker, WORKER_LIMITS } from "../worker-entry.js";
import type { Request, Reply, Spliced, SpliceJob, WorkerInit } from "./second-thread-worker.js";
import type { HarvestedBody } from "../render/feeds/feed-harvest.js";
import type { KnownTime, TimeSettings } from "../render/dates.js";

// The main thread's side of the build's second thread (second-thread-worker.ts), which parses front matter
// and renders pages on the other core. One thread does both: a build started on a big site opens it at once, so
// that starting it and loading its modules (0.2-0.4 s) overlaps the main thread's own loading, and it is there
// when the files are parsed and again when the pages are rendered. Whatever it fails to do, the main thread does.

/**
 * Pages (or files) to make before a second thread is worth opening. Measured on the shared 2-core machines (render
 * stage, medians of 3, worker forced on vs off): 330 pages 1.0 s vs 0.6 s, 650 pages 1.6 s vs 1.1 s, 1,300 pages
 * 1.3 s vs 1.5 s. The worker needs 0.2-0.8 s to load its modules and the site, and wins only when there is a free
 * core for it.
 */
export const WORKER_THRESHOLD = 1000;

/** Files per message handed to parseAhead: its answers come while the main thread loads its modules. */
const AHEAD_CHUNK = 100;

export interface SecondThread {
  /**
   * Front matter of `files` ([absolute path, path for people]), parsed there, with their bodies if `withBodies`
   * (see holdsBodies); undefined if the thread failed.
   */
  parse(files: [string, string][], withBodies: boolean): Promise<FileOutcome[] | undefined>;
  /**
   * Starts parsing `files` (as `parse`) before they are asked for: a cold build hands it the last of the files its
   * stamp check listed, to parse while the pipeline's modules load here (see parseShared).
   */
  parseAhead(files: [string, string][], withBodies: boolean): void;
  /** The outcome of a file (by its absolute path) handed to parseAhead, once; undefined if it was not handed. */
  parsedAhead(abs: string): Promise<FileOutcome | undefined> | undefined;
  /**
   * The manifest of the output folder `outDir` as loadManifest gives it, loaded there (checking a restored
   * folder's files takes a few hundred ms, while this thread has nothing else to do); undefined if the thread failed.
   */
  loadManifest(outDir: string): Promise<{ manifest?: Manifest } | undefined>;
  /**
   * The views of the times among `texts` (the stories' `date:` and `updated:`), made there while it waits for
   * the site, and kept there for its own pages (see KnownTime); undefined if the thread failed.
   */
  times(settings: TimeSettings, texts: string[]): Promise<KnownTime[] | undefined>;
  /** Hands the thread the site, after which it takes render jobs. Once only. */
  render(init: WorkerInit): RenderThread;
  /** Pages made there from their previous bytes; undefined if the thread failed. */
  splice(job: SpliceJob): Promise<Spliced[] | undefined>;
  /** Feeds and sitemaps made there (after `render`), with the feed bodies made beside the pages, as UTF-8 and hashed with `bytes`; undefined if the thread failed. */
  syndicate(plan: SyndicationPlan, redirects: Redirect[], bodies?: HarvestedBody[], bytes?: boolean): Promise<SyndicationFile[] | undefined>;
  close(): Promise<void>;
}

export interface RenderThread {
  /** Jobs sent and not answered yet. */
  readonly inFlight: number;
  /** True once the thread has rebuilt the site's context and can take jobs, until it fails or is closed. */
  readonly ready: boolean;
  /**
   * `done` gets the job's results and the feed bodies made with them, or undefined when the thread failed before
   * answering it. `spare`: free page buffers for the thread's pages (see PageBuffers), moved there. `bodies`: the
   * bodies of the routes' stories and pages that this thread holds (see holdsBodies), by position.
   */
  send(routes: number[], spare: ArrayBuffer[], bodies: (Uint8Array | undefined)[], done: (results: RenderResult[] | undefined, feeds?: HarvestedBody[]) => void): void;
  /** Resolves when the thread is ready for jobs, or has failed. */
  started: Promise<void>;
  /** Resolves when the thread next answers (or fails). */
  replied(): Promise<void>;
}

/**
 * A cold build of a big site opens its second thread before anything else, even before the pipeline's modules
 * load (see cli/capped-build.ts), so that it is up when the files are parsed. So does an incremental build of a
 * big site that cannot resume from the snapshot (`candidate` false): build() finds so when no file may resume (a
 * story published or removed, more than 64 files edited, a fresh checkout with the output and cache restored);
 * the CLI, for a site it builds in the heap-capped worker, also when the edited files' front matter changed. Most
 * such builds make thousands of pages again (Latest news is on every page), and the thread was otherwise opened
 * half-way through them (at 4,000 articles, it spliced 10% of the pages); it loads the last build's manifest
 * meanwhile, which for a restored output folder means reading and hashing every file in it. So does a build that
 * may resume with a story added (see build-resume.ts). Another incremental build (a story's headline edited: a
 * few pages) opens one only if it turns out to have enough pages to make.
 */
export function secondThreadFor(options: Pick<BuildOptions, "noCache" | "dryRun" | "outDir" | "checked">, threshold: number): SecondThread | undefined {
  const cold = options.noCache === true || options.dryRun === true || !hasManifest(options.outDir);
  // A story published makes thousands of pages again too, resumed or not.
  const candidate = options.checked?.candidate;
  const full = cold || candidate === false || (candidate !== undefined && candidate.added.length > 0);
  return full && (options.checked?.stats?.size ?? 0) >= threshold && twoCores() ? openSecondThread() : undefined;
}

/** Whether there is a core for a second thread. */
export const twoCores = (): boolean => availableParallelism() > 1;

export function openSecondThread(): SecondThread {
  const worker = new Worker(compiledWorker(new URL("./second-thread-worker.js", import.meta.url), import.meta.url), { resourceLimits: WORKER_LIMITS });
  const pending = new Map<number, (reply: Reply | undefined) => void>();
  let alive = true;
  let rendering = false;
  // Render jobs sent while the thread makes the feeds would wait there, and the pages after them here.
  let syndicating = false;
  let onStart: () => void = () => {};
  const started = new Promise<void>((resolve) => (onStart = resolve));
  let nextId = 0;
  let wake: () => void = () => {};
  let woken = new Promise<void>((resolve) => (wake = resolve));
  const signal = () => {
    wake();
    woken = new Promise<void>((resolve) => (wake = resolve));
  };
  const fail = () => {
    if (!alive) return;
    alive = false;
    onStart();
    for (const done of pending.values()) done(undefined);
    pending.clear();
    signal();
  };
  worker.on("message", (reply: Reply) => {
    if ("ready" in reply) {
      rendering = true;
      onStart();
    } else {
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
    }
    signal();
  });
  // An exception there is redone on the main thread, where it is reported as it would be without a second thread.
  worker.on("error", fail);
  worker.on("exit", fail);
  let closed: Promise<unknown> | undefined;
  const request = (message: Request, done: (reply: Reply | undefined) => void, moved: ArrayBuffer[] = []) => {
    if (!alive) return done(undefined);
    pending.set(message.id, done);
    worker.postMessage(message, moved);
  };

  const parse = (files: [string, string][], withBodies: boolean) =>
    new Promise<FileOutcome[] | undefined>((resolve) =>
      request({ id: nextId++, parse: files, ...(withBodies && { withBodies }) }, (reply) => resolve(reply && "outcomes" in reply ? reply.outcomes : undefined)),
    );
  const ahead = new Map<string, Promise<FileOutcome | undefined>>();
  return {
    parse,
    parseAhead(files, withBodies) {
      for (let from = 0; from < files.length; from += AHEAD_CHUNK) {
        const chunk = files.slice(from, from + AHEAD_CHUNK);
        const outcomes = parse(chunk, withBodies);
        chunk.forEach(([abs], i) => ahead.set(abs, outcomes.then((done) => done?.[i])));
      }
    },
    parsedAhead(abs) {
      const outcome = ahead.get(abs);
      ahead.delete(abs);
      return outcome;
    },
    // Broadsheet's identity is this thread's: the other may run from other files (tests run the sources here).
    loadManifest: async (outDir) => {
      const tool = await toolIdentity();
      return new Promise((resolve) => request({ id: nextId++, manifest: outDir, tool }, (reply) => resolve(reply && "manifest" in reply ? { manifest: reply.manifest ?? undefined } : undefined)));
    },
    times: (settings, texts) =>
      new Promise((resolve) => request({ id: nextId++, times: settings, texts }, (reply) => resolve(reply && "times" in reply ? reply.times : undefined))),
    splice: (job) => new Promise((resolve) => request({ id: nextId++, splice: job }, (reply) => resolve(reply && "spliced" in reply ? reply.spliced : undefined))),
    syndicate(plan, redirects, bodies, bytes) {
      syndicating = true;
      return new Promise((resolve) =>
        request({ id: nextId++, syndication: plan, redirects, ...(bodies && { bodies }), ...(bytes && { bytes }) }, (reply) => {
          syndicating = false;
          resolve(reply && "files" in reply ? reply.files : undefined);
        }),
      );
    },
    render(init) {
      if (alive) worker.postMessage({ id: nextId++, init } satisfies Request);
      return {
        get inFlight() {
          return pending.size;
        },
        get ready() {
          return alive && rendering && !syndicating;
        },
        send: (routes, spare, bodies, done) =>
          request(
            { id: nextId++, routes, ...(spare.length > 0 && { spare }), ...(bodies.some((body) => body !== undefined) && { bodies }) },
            (reply) => (reply && "results" in reply ? done(reply.results, reply.feeds) : done(undefined)),
            spare,
          ),
        started,
        replied: () => woken,
      };
    },
    async close() {
      // Once: terminate() waits for the thread's "exit" with a listener of its own, which a second
      // removeAllListeners() while the thread ends would remove, and the second close would wait forever.
      closed ??= (() => {
        fail();
        worker.removeAllListeners();
        return worker.terminate();
      })();
      await closed;
    },
  };
}
