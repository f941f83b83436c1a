import { parentPort } from "node:worker_threads";
import type { TemplateSource } from "../config/load-templates.js";
import { parseFile, type FileOutcome } from "../content/parse-file.js";
import type { RenderResult } from "../render/page-bytes.js";
import type { SyndicationFile, SyndicationPlan } from "../render/render-syndication.js";
import type { HarvestedBody } from "../render/feeds/feed-harvest.js";
import type { Redirect } from "../routes/plan-redirects.js";
import type { Manifest } from "../write/manifest.js";
import type { KnownTime, TimeSettings } from "../render/dates.js";

// The build's second thread (see second-thread.ts): parses the files it is sent; once given the site as plain
// data (the index, routes, images, asset URLs, template sources; serialized, which keeps the articles the index
// and the routes share shared), rebuilds the main thread's context and renders the routes it is sent.
// This module parses; the rest is second-thread-pages.ts, whose modules (most of the thread's: markdown-it,
// Eta, date-fns) load when it is first needed. The thread is up and parsing ~40 ms sooner without them: from
// new Worker to the first file parsed, 115-130 ms -> 75-85 ms (measured with no other work in the process).

export interface WorkerInit {
  /** The index, images, asset URLs and routes, as the snapshot's big file holds them (see renderedSite). */
  site: Uint8Array;
  templates: readonly TemplateSource[];
  /** Pages are rendered to be checked, and dropped (`check`): only a failure comes back. */
  drop?: boolean;
  /** The files of the stories whose feed bodies are made beside their pages (see feeds/feed-harvest.ts). */
  feedFiles?: string[];
}

export type Request =
  | { id: number; parse: [string, string][]; withBodies?: true }
  | { id: number; manifest: string; tool: string }
  | { id: number; init: WorkerInit }
  | { id: number; routes: number[]; spare?: ArrayBuffer[]; bodies?: (Uint8Array | undefined)[] }
  | { id: number; syndication: SyndicationPlan; redirects: Redirect[]; bodies?: HarvestedBody[]; bytes?: boolean }
  | { id: number; splice: SpliceJob }
  | { id: number; times: TimeSettings; texts: string[] };

/**
 * Pages to make from their previous bytes (output path, hash of those bytes, the names of the blocks to
 * replace in them, how many times each must be found, and how this build saw the file when it checked those
 * bytes, if it did: see previousBytes), with each named block's old bytes replaced by its new ones.
 */
export interface SpliceJob {
  folder: string;
  blocks: Record<string, [Uint8Array, Uint8Array]>;
  pages: [string, string, string[], number[], (string | undefined)?][];
}

/** A page made from its previous bytes, or null when they were not as expected (the main thread renders it). */
export type Spliced = { bytes: Uint8Array; hash: string } | null;

/** A request's answer, or the thread saying it is ready for render jobs. */
export type Reply =
  | { id: number; outcomes: FileOutcome[] }
  | { id: number; manifest: Manifest | null }
  | { id: number; results: RenderResult[]; feeds?: HarvestedBody[] }
  | { id: number; files: SyndicationFile[] }
  | { id: number; spliced: Spliced[] }
  | { id: number; times: KnownTime[] }
  | { ready: true };

const port = parentPort!;
/** The rest of the thread's work, loaded when first asked for (see second-thread-pages.ts). */
let pages: Promise<typeof import("./second-thread-pages.js")> | undefined;
const rest = () => (pages ??= import("./second-thread-pages.js"));

async function reply(request: Request): Promise<void> {
  if ("parse" in request) {
    const outcomes = request.parse.map(([abs, file]) => parseFile(abs, file, request.withBodies === true));
    // Each body's bytes are its file's own buffer, moved rather than copied.
    const moved = outcomes.flatMap((outcome) => ("body" in outcome && outcome.body ? [outcome.body.buffer as ArrayBuffer] : []));
    port.postMessage({ id: request.id, outcomes } satisfies Reply, moved);
  } else if ("init" in request) {
    await (await rest()).start(request.init);
  } else {
    await (await rest()).answer(request);
  }
}

// Requests are answered in the order they came: one sent right after the site waits for it to be set up.
let last = Promise.resolve();
port.on("message", (request: Request) => {
  // A failure is an unhandled rejection, which ends the thread: the main thread then does everything itself.
  last = last.then(() => reply(request));
});
