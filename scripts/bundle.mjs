// The build's two threads load their code from one bundle each (dist/bundle/): the ~200 ES modules of
// dist/ and its dependencies took 180-220 ms to resolve and load on every build; the bundle takes ~50 ms.
// `npm run compile` runs this after tsc (see README, Development).
import { rolldown } from "rolldown";

const bundle = await rolldown({
  input: {
    // The heap-capped worker that runs a build (src/cli/heap-cap.ts), and the build's second thread,
    // which the first finds beside itself (new URL("./second-thread-worker.js", import.meta.url)).
    "capped-build": "dist/cli/capped-build.js",
    "second-thread-worker": "dist/parallel/second-thread-worker.js",
  },
  platform: "node",
  // A native addon, loaded only when an image is encoded.
  external: ["sharp"],
  // gray-matter's JavaScript front-matter engine (never enabled: only YAML is read) calls eval.
  checks: { eval: false },
});
await bundle.write({ dir: "dist/bundle", format: "esm", chunkFileNames: "[name].js" });
await bundle.close();
