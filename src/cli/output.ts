import type { Diagnostic } from "../errors/diagnostic.js";
import { formatDiagnostic } from "../errors/format.js";
import { makeSourceReader } from "../content/source-reader.js";

// Where the CLI's words go. Commands write through an Output so tests and colour decisions live in one place.

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Output {
  out: Stream;
  err: Stream;
  env: NodeJS.ProcessEnv;
}

export interface Paint {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

/** Colour only for a person at a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function paintFor(stream: Stream, env: NodeJS.ProcessEnv): Paint {
  const on = stream.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
  const wrap = (code: number) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[39m` : text);
  return { red: wrap(31), yellow: wrap(33), green: wrap(32), dim: on ? (t) => `\u001b[2m${t}\u001b[22m` : (t) => t };
}

/** Diagnostics as people read them: location, message, code frame, hint; the first line coloured. */
export function diagnosticsText(diagnostics: readonly Diagnostic[], paint?: Paint): string {
  const source = makeSourceReader();
  return diagnostics
    .map((d) => {
      const text = formatDiagnostic(d, source);
      if (!paint) return text;
      const [head = "", ...rest] = text.split("\n");
      const colour = d.severity === "error" ? paint.red : paint.yellow;
      return [colour(head), ...rest].join("\n");
    })
    .map((text) => `${text}\n\n`)
    .join("");
}

export function printDiagnostics(io: Output, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length > 0) io.err.write(diagnosticsText(diagnostics, paintFor(io.err, io.env)));
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * On a terminal, "Building…" while the build runs, ticking the seconds whenever the build yields, cleared
 * when it ends; elsewhere (CI logs, pipes) nothing, so logs stay one line per build.
 */
export async function withProgress<T>(io: Output, label: string, work: Promise<T>): Promise<T> {
  if (io.err.isTTY !== true) return work;
  const started = Date.now();
  io.err.write(`${label}…`);
  const timer = setInterval(() => io.err.write(`\r${label}… ${Math.round((Date.now() - started) / 1000)}s`), 1000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    io.err.write("\r\u001b[2K");
  }
}
