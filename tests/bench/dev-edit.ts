import { spawn } from "node:child_process";
import { childEnv, median, timeEdits } from "./measure.js";

// The dev server's edit-to-served time: `broadsheet dev` on the corpus, then, several times, one article's body
// is edited on disk and its page is requested until the edit shows; the time from the write to that response.

export interface DevEditRun {
  /** Until `broadsheet dev` first served the home page. */
  startSeconds: number;
  /** Median milliseconds from the edit's write to a response that shows it. */
  editMs: number;
  edits: number[];
}

export async function measureDevEdit(cli: string, content: string, templates: string, articleFile: string, articleUrl: string, env: NodeJS.ProcessEnv, rounds = 5): Promise<DevEditRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, "dev", "--content", content, "--templates", templates, "--port", "0"], {
    env: childEnv(env),
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const url = /Serving (http:\/\/\S+)/.exec(out)?.[1];
        if (url) resolve(url);
      });
      child.once("exit", (code) => reject(new Error(`broadsheet dev exited with ${code}`)));
    });
    await fetch(base).then((r) => r.text());
    const startSeconds = (performance.now() - started) / 1000;
    const page = new URL(articleUrl, base).href;
    // Let the server settle before the next edit.
    const edits = await timeEdits(articleFile, rounds, (original, marker) => `${original}\n\n${marker}\n`, async (marker) => (await fetch(page).then((r) => r.text())).includes(marker), 300, 60_000);
    return { startSeconds, editMs: median(edits), edits };
  } finally {
    child.kill("SIGTERM");
  }
}
