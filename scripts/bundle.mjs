// The build's two threads load their code from one bundle each (dist/bundle/): the ~200 ES modules of
// dist/ and its dependencies took 180-220 ms to resolve and load on every build; the bundle takes ~50 ms.
// `npm run compile` runs this after tsc (see README, Development).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { rolldown } from "rolldown";

const bundle = await rolldown({
  input: {
    // The heap-capped worker that runs a build (src/cli/heap-cap.ts), and the build's second thread,
    // which the first finds beside itself (new URL("./second-thread-worker.js", import.meta.url)).
    "capped-build": "dist/cli/capped-build.js",
    "second-thread-worker": "dist/parallel/second-thread-worker.js",
    // A build that resumes from the snapshot, in the CLI's thread (src/cli/resume-here.ts).
    "resume-here": "dist/cli/resume-here.js",
  },
  platform: "node",
  // A native addon, loaded only when an image is encoded.
  external: ["sharp"],
  // gray-matter's JavaScript front-matter engine (never enabled: only YAML is read) calls eval.
  checks: { eval: false },
  // gray-matter loads js-yaml's full schema, whose !!js/function type loads esprima (218 KB, a sixth of the
  // bundle; ~10 ms of every thread's start) to parse JavaScript. Broadsheet only splits front matter with
  // gray-matter (src/content/front-matter.ts), and js-yaml's safe loader never uses that type.
  resolve: { alias: { esprima: false } },
});
const { output } = await bundle.generate({ format: "esm", chunkFileNames: "[name].js" });
await bundle.close();
// Files are written only when their bytes change, as tsc does: Broadsheet's identity is the size and time of
// its compiled files (src/write/manifest.ts), and a new time would make the next build cold.
const dir = "dist/bundle";
mkdirSync(dir, { recursive: true });
const made = new Set();
for (const chunk of output) {
  const file = path.join(dir, chunk.fileName);
  const bytes = Buffer.from(chunk.type === "chunk" ? chunk.code : chunk.source);
  made.add(chunk.fileName);
  if (!existsSync(file) || !readFileSync(file).equals(bytes)) writeFileSync(file, bytes);
}
for (const name of readdirSync(dir)) if (!made.has(name)) rmSync(path.join(dir, name), { recursive: true });
