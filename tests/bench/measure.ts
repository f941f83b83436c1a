import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { lstat, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

// Whole-process measurements: wall time from spawn to exit, peak RSS from GNU time (or none), and which
// output files a run wrote (a changed inode or mtime).

export interface Run {
  seconds: number;
  /** Peak resident set size in MB, when /usr/bin/time is installed. */
  rssMb?: number;
  /** User and system CPU time in seconds, when /usr/bin/time is installed. */
  cpuSeconds?: number;
}

const GNU_TIME = "/usr/bin/time";

/**
 * The environment of a measured process: this one's with `env` over it, less NODE_EXTRA_CA_CERTS. Node reads
 * and parses that CA bundle at every start, before any script runs: ~40 ms a process on these machines, where
 * the sandbox sets it for all (`node -e 0`: 0.10 s with it, 0.06 s without). Broadsheet opens no TLS connection,
 * and a newsroom's CI runner does not set it; Hugo, in Go, never reads it.
 */
export function childEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _dropped, ...rest } = process.env;
  return { ...rest, ...env };
}

/** What the bench prints of childEnv, when it applies. */
export const ENV_NOTE = process.env.NODE_EXTRA_CA_CERTS === undefined ? undefined : "NODE_EXTRA_CA_CERTS is left out of the measured processes' environment (see childEnv in tests/bench/measure.ts).";

export async function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const useTime = existsSync(GNU_TIME);
  const report = path.join(tmpdir(), `bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [cmd, argv] = useTime ? [GNU_TIME, ["-v", "-o", report, command, ...args]] : [command, args];
  const started = performance.now();
  const stderr: Buffer[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(cmd, argv, { env: childEnv(env), stdio: ["ignore", "ignore", "pipe"] });
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve(exitCode ?? 1));
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${Buffer.concat(stderr).toString().slice(0, 4000)}`);
  if (!useTime) return { seconds };
  const text = await readFile(report, "utf8");
  await rm(report, { force: true });
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
  const cpu = ["User", "System"].map((kind) => Number(new RegExp(`${kind} time \\(seconds\\): ([\\d.]+)`).exec(text)?.[1] ?? NaN));
  return { seconds, ...(kb && { rssMb: Number(kb[1]) / 1024 }), ...(cpu.every(Number.isFinite) && { cpuSeconds: cpu[0]! + cpu[1]! }) };
}

/** Identity of every file under `dir`: "inode:mtime", by relative path. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!existsSync(dir)) return found;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  for (let i = 0; i < files.length; i += 512) {
    await Promise.all(
      files.slice(i, i + 512).map(async (file) => {
        const info = await lstat(file);
        found.set(path.relative(dir, file), `${info.ino}:${info.mtimeMs}`);
      }),
    );
  }
  return found;
}

/** Files that are new or were rewritten between two snapshots. */
export function written(before: Map<string, string>, after: Map<string, string>): number {
  let count = 0;
  for (const [file, id] of after) if (before.get(file) !== id) count++;
  return count;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function medianRun(runs: Run[]): Run {
  const rss = runs.map((r) => r.rssMb).filter((r): r is number => r !== undefined);
  return { seconds: median(runs.map((r) => r.seconds)), ...(rss.length > 0 && { rssMb: Math.max(...rss) }) };
}

export function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && existsSync(path.join(dir, command)));
}

/**
 * Rounds of one edit timed until it shows: each writes `file` with a new marker (`edited(original, marker)`)
 * and polls `shows(marker)` until true; then waits `settleMs`. Milliseconds per round; the file is put back.
 */
export async function timeEdits(
  file: string,
  rounds: number,
  edited: (original: string, marker: string) => string,
  shows: (marker: string) => Promise<boolean>,
  settleMs: number,
  timeoutMs = 120_000,
): Promise<number[]> {
  const original = await readFile(file, "utf8");
  const edits: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const marker = `Edited for the benchmark, round ${round + 1} of ${Date.now()}.`;
      const t0 = performance.now();
      await writeFile(file, edited(original, marker));
      while (!(await shows(marker))) {
        if (performance.now() - t0 > timeoutMs) throw new Error(`the edit did not show within ${timeoutMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      edits.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, settleMs));
    }
  } finally {
    await writeFile(file, original);
  }
  return edits;
}
