import { Worker } from "node:worker_threads";
import type { TemplateSource } from "../../config/load-templates.js";
import type { Route } from "../../model.js";
import type { RenderResult } from "../render-pages.js";
import type { ViewRecipe } from "../view-context.js";
import { compiledWorker, WORKER_LIMITS } from "../../worker-entry.js";

// The main thread's side of one render worker (render-worker.ts). The worker gets plain data once (the site
// index, the routes, images, asset URLs, template sources; the structured clone keeps the articles shared
// between the index and the routes shared) and rebuilds the same context; after that, jobs are route numbers
// and replies are HTML or Diagnostics. If the worker fails, its unfinished jobs go back to the main thread.

export interface WorkerInit {
  recipe: ViewRecipe;
  routes: Route[];
  templates: readonly TemplateSource[];
}

export interface RenderJob {
  id: number;
  routes: number[];
}

/** A job's results, or the worker saying it is ready for jobs. */
export type RenderReply = { id: number; results: RenderResult[] } | { ready: true };

export interface RenderThread {
  /** Jobs sent and not answered yet. */
  readonly inFlight: number;
  /** True once the worker has rebuilt the context and can take jobs, until it fails or is closed. */
  readonly ready: boolean;
  /** `done` gets the job's results, or undefined when the worker failed before answering it. */
  send(routes: number[], done: (results: RenderResult[] | undefined) => void): void;
  /** Resolves when the worker is ready for jobs, or has failed. */
  started: Promise<void>;
  /** Resolves when the worker next answers (or fails). */
  replied(): Promise<void>;
  close(): Promise<void>;
}

export function startRenderThread(init: WorkerInit): RenderThread {
  const worker = new Worker(compiledWorker(new URL("./render-worker.js", import.meta.url), import.meta.url), { workerData: init, resourceLimits: WORKER_LIMITS });
  const pending = new Map<number, (results: RenderResult[] | undefined) => void>();
  let alive = true;
  let started = false;
  let onStart: () => void = () => {};
  const startedPromise = new Promise<void>((resolve) => (onStart = resolve));
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
  worker.on("message", (reply: RenderReply) => {
    if ("ready" in reply) {
      started = true;
      onStart();
    }
    else {
      pending.get(reply.id)?.(reply.results);
      pending.delete(reply.id);
    }
    signal();
  });
  // An exception in the worker is rendered again on the main thread, where it is reported as it would be without a worker.
  worker.on("error", fail);
  worker.on("exit", fail);
  return {
    get inFlight() {
      return pending.size;
    },
    get ready() {
      return alive && started;
    },
    send(routes, done) {
      const id = nextId++;
      pending.set(id, done);
      worker.postMessage({ id, routes } satisfies RenderJob);
    },
    started: startedPromise,
    replied: () => woken,
    async close() {
      alive = false;
      worker.removeAllListeners();
      await worker.terminate();
    },
  };
}
