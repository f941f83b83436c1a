import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { childEnv, median, timeEdits } from "./measure.js";

// `build --watch`'s edit-to-written time: the watch runs on the corpus and its output folder, then, several
// times, one article's body is edited on disk and its page in the output folder is read until the edit shows;
// the time from the write to that read. The peers' figure in issue #6 is this one (Hugo's and Eleventy's
// watch modes, until settled).

export interface WatchEditRun {
  /** Median milliseconds from the edit's write to the page written with it. */
  editMs: number;
  edits: number[];
}

export async function measureWatchEdit(
  command: { cli: string; content: string; templates: string; out: string; env: NodeJS.ProcessEnv },
  articleFile: string,
  pageFile: string,
  edited: (original: string, marker: string) => string,
  rounds: number,
): Promise<WatchEditRun> {
  const { cli, content, templates, out, env } = command;
  const child = spawn(process.execPath, [cli, "build", "--watch", "--content", content, "--templates", templates, "--out", out], {
    env: childEnv(env),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes("Watching ")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`broadsheet build --watch exited with ${code}`)));
    });
    // Let the build finish (its stamp) before the next edit.
    const edits = await timeEdits(articleFile, rounds, edited, async (marker) => (await readFile(pageFile, "utf8").catch(() => "")).includes(marker), 500);
    return { editMs: median(edits), edits };
  } finally {
    child.kill("SIGINT");
    await exited;
  }
}
