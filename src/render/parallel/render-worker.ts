import { parentPort, workerData } from "node:worker_threads";
import { withBodyFrom } from "../../content/body-file.js";
import { compileTemplates } from "../eta.js";
import { pageRenderer } from "../render-pages.js";
import { viewContext } from "../view-context.js";
import type { RenderJob, RenderReply, WorkerInit } from "./render-thread.js";

// A render worker: rebuilds the main thread's context from plain data, then renders the routes it is sent.
const init = workerData as WorkerInit;
// Bodies came as file and offset (see withBodyFrom): this copy reads them itself.
for (const doc of [...init.recipe.index.articles, ...init.recipe.index.pages]) withBodyFrom(doc);
const ctx = await viewContext(init.recipe);
const { templates } = compileTemplates([...init.templates]);
const renderer = templates && pageRenderer(ctx, templates);
// The main thread got past the same steps; if they fail here, throwing hands every job back to it.
if (!renderer || "diagnostic" in renderer) throw new Error("render worker: the templates did not compile as on the main thread");
const port = parentPort!;
port.on("message", (job: RenderJob) => {
  port.postMessage({ id: job.id, results: job.routes.map((i) => renderer.render(init.routes[i]!)) } satisfies RenderReply);
});
port.postMessage({ ready: true } satisfies RenderReply);
