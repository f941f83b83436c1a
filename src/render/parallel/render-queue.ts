import { availableParallelism } from "node:os";
import type { Route } from "../../model.js";
import type { Templates } from "../eta.js";
import type { PageRenderer } from "../render-pages.js";
import { pageBuffers, type RenderResult } from "../page-bytes.js";
import type { ViewContext } from "../view-model.js";
import { openSecondThread, type RenderThread, type SecondThread } from "../../parallel/second-thread.js";
import { renderBytes } from "../../write/site-snapshot.js";
import { heldBody, routeBodyFile } from "../../content/body-file.js";

// Pages to render go through a queue that hands them back in route order. In-thread, each page renders as
// it is added. In parallel, pages are grouped in chunks; a worker thread is kept fed with up to IN_FLIGHT
// chunks and the main thread renders the chunks the worker has no room for, so both cores stay busy
// whatever each page costs. The worker starts only once `threshold` pages wait, so an incremental build
// that renders a handful of pages never pays for it.

export interface ParallelOptions {
  /** Pages to render before a worker thread joins in; 0: always, and wait for it to start (tests: both threads render). */
  threshold: number;
  /** A thread already given the site (a cold build's, see build.ts): used from the first page. */
  thread?: RenderThread;
  /** The second thread that `thread` runs in, which also takes pages to splice (see render-pages.ts). */
  second?: SecondThread;
  /** Without a sink: drop each page once rendered (`check`), rather than list them all. */
  drop?: boolean;
}

export interface RenderedRoute {
  /** Index in the routes. */
  route: number;
  inputs: string | undefined;
  result: RenderResult;
}

export interface RenderQueue {
  /** Queues a page; returns the pages finished since the last call, in route order. */
  add(route: number, inputs: string | undefined): Promise<RenderedRoute[]>;
  /** Renders every queued page; returns them in route order. */
  finish(): Promise<RenderedRoute[]>;
  /**
   * Starts the pages queued so far now, rather than once a whole chunk of them waits (a build that splices most
   * pages queues a few to render here and there: see the milestone in render-pages.ts); returns the pages
   * finished since the last call, in route order.
   */
  seal(): Promise<RenderedRoute[]>;
  /** Stops the worker (on success and failure alike). */
  close(): Promise<void>;
  /** Pages the worker rendered. */
  byWorker(): number;
  /** The second thread this queue opened (given the site), opening it now if it has none; undefined on one core. */
  helper(): SecondThread | undefined;
}

// Small chunks let the main thread get back to its own work (page fingerprints, writes) soon; a deep queue
// keeps the worker busy meanwhile. Measured at 4,000 articles: 16 × 8 beat 32 × 2 by ~1 s of rendering.
const CHUNK = 16;
const IN_FLIGHT = 8;
/** Chunks rendered or in flight but not handed on yet: about a thousand pages, ~25 MB. */
const BACKLOG = 64;

interface Chunk {
  routes: number[];
  inputs: (string | undefined)[];
  /** No more pages go in: whole, or sealed (see RenderQueue.seal). */
  closed: boolean;
  sent: boolean;
  results?: RenderResult[];
}

/**
 * With `asBytes` (pages are written, not kept as text), pages rendered here in parallel are encoded and hashed
 * at once, as the worker's are: they wait in route order behind the worker's chunks, and bytes outside the heap
 * wait there for free, where strings are copied by every collection (~120 ms of GC at 4,000 articles).
 */
export function renderQueue(
  renderer: PageRenderer,
  routes: Route[],
  ctx: ViewContext,
  templates: Templates,
  parallel?: ParallelOptions,
  asBytes = false,
  /** Told of each page rendered, in either thread, as soon as it is (before it is handed back in route order). */
  done: (route: number) => void = () => {},
): RenderQueue {
  if (!parallel || availableParallelism() < 2) {
    return {
      add: async (route, inputs) => {
        const result = renderer.render(routes[route]!);
        done(route);
        return [{ route, inputs, result }];
      },
      finish: async () => [],
      seal: async () => [],
      close: async () => {},
      byWorker: () => 0,
      helper: () => undefined,
    };
  }
  const chunks: Chunk[] = [];
  let thread: RenderThread | undefined = parallel.thread;
  let own: SecondThread | undefined;
  let queued = 0;
  let byWorker = 0;

  const renderHere = (chunk: Chunk) => {
    chunk.sent = true;
    chunk.results = chunk.routes.map((i) => {
      const route = routes[i]!;
      return asBytes ? renderer.bytes(route) : renderer.render(route);
    });
    chunk.routes.forEach(done);
  };
  const sendAway = (chunk: Chunk, worker: RenderThread) => {
    chunk.sent = true;
    // Page buffers written here go back with the job, as many as its pages will take (see PageBuffers).
    // So do the bodies held here: the thread renders their pages without reading their files.
    const bodies = chunk.routes.map((i) => heldBody(routeBodyFile(routes[i]!)));
    worker.send(chunk.routes, pageBuffers.spare(chunk.routes.length), bodies, (results, feeds) => {
      if (results) byWorker += results.length;
      else chunk.sent = false; // the worker failed: the main thread renders it
      for (const result of results ?? []) if ("bytes" in result) pageBuffers.adopt(result.bytes);
      for (const body of feeds ?? []) ctx.harvest?.put(body);
      chunk.results = results;
      if (results) chunk.routes.forEach(done);
    });
  };
  /** Feeds the worker, then renders one chunk here; false when no chunk is left to start. */
  const step = (sealed: number): boolean => {
    const ready = chunks.slice(0, sealed).filter((c) => !c.sent);
    for (const chunk of ready) {
      if (!thread?.ready || thread.inFlight >= IN_FLIGHT) break;
      sendAway(chunk, thread);
    }
    const here = ready.find((c) => !c.sent);
    if (here) renderHere(here);
    return here !== undefined;
  };
  const drain = (): RenderedRoute[] => {
    const done: RenderedRoute[] = [];
    while (chunks[0]?.results) {
      const chunk = chunks.shift()!;
      chunk.routes.forEach((route, i) => done.push({ route, inputs: chunk.inputs[i], result: chunk.results![i]! }));
    }
    return done;
  };
  const open = () => {
    own = openSecondThread();
    const feedFiles = ctx.harvest && [...ctx.harvest.files];
    const site = renderBytes({ index: ctx.index, images: ctx.images, assets: ctx.assets }, routes);
    thread = own.render({ site, templates: templates.sources, drop: parallel.drop === true, ...(feedFiles && { feedFiles }) });
    return own;
  };
  // The worker's replies arrive between macrotasks: let them in after each chunk rendered here.
  const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** Feeds the worker and renders here every closed chunk; returns the pages finished, in route order. */
  const run = async (): Promise<RenderedRoute[]> => {
    while (step(chunks.length)) await breathe();
    // Pages leave in route order, so those rendered here wait behind the worker's oldest chunk. When the
    // worker falls behind (a 100,000-article site grew to 4 GB this way), wait for it instead of running ahead.
    while (chunks.length > BACKLOG && thread!.inFlight > 0) await thread!.replied();
    return drain();
  };

  return {
    async add(route, inputs) {
      let last = chunks.at(-1);
      if (!last || last.closed) chunks.push((last = { routes: [], inputs: [], closed: false, sent: false }));
      last.routes.push(route);
      last.inputs.push(inputs);
      last.closed = last.routes.length === CHUNK;
      if (++queued >= parallel.threshold && !thread) {
        open();
        if (parallel.threshold === 0) await thread!.started;
      }
      if (!thread || !last.closed) return drain();
      return run();
    },
    async seal() {
      const last = chunks.at(-1);
      if (!last || last.closed) return drain();
      last.closed = true;
      if (!thread) {
        for (const chunk of chunks) if (!chunk.sent) renderHere(chunk);
        return drain();
      }
      return run();
    },
    async finish() {
      if (!thread) {
        for (const chunk of chunks) if (!chunk.sent) renderHere(chunk);
        return drain();
      }
      for (;;) {
        if (step(chunks.length)) await breathe();
        else if (thread.inFlight > 0) await thread.replied();
        else return drain();
      }
    },
    close: async () => own?.close(),
    byWorker: () => byWorker,
    helper: () => own ?? parallel.second ?? (thread ? undefined : open()),
  };
}
