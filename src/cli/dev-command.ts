import { startDevServer, type DevEvent } from "../dev/dev-server.js";
import { UsageError, type Values } from "./args.js";
import { resolveNow } from "./now.js";
import { count, paintFor, printDiagnostics, type Output } from "./output.js";
import { untilStopped } from "./stop-signal.js";

/** `broadsheet dev`: serves until Ctrl-C (SIGINT) or SIGTERM, then stops cleanly with exit code 0. */
export async function runDev(values: Values<"dev">, io: Output): Promise<number> {
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
  const paint = paintFor(io.out, io.env);
  const log = (event: DevEvent): void => {
    const changed = "changed" in event && event.changed.length > 0 ? ` after a change to ${event.changed[0]}${event.changed.length > 1 ? ` and ${event.changed.length - 1} more` : ""}` : "";
    switch (event.kind) {
      case "listening":
        io.out.write(`${paint.green("Serving")} ${event.url} (drafts and scheduled articles shown; Ctrl-C to stop)\n`);
        return;
      case "built":
        io.out.write(`${paint.dim(time())} Built ${event.files} files (${count(event.articles, "article")}) in ${event.ms} ms${changed}\n`);
        printDiagnostics(io, event.warnings);
        return;
      case "failed":
        printDiagnostics(io, event.diagnostics);
        io.err.write(`${paint.dim(time())} ${paintFor(io.err, io.env).red("Build failed")}${changed}: the browser shows the problems until they are fixed.\n`);
        return;
      case "crashed":
        io.err.write(`${paint.dim(time())} broadsheet: internal error${changed}: ${event.message}\n`);
        return;
    }
  };
  let server;
  try {
    server = await startDevServer(
      { contentDir: values.content, templatesDir: values.templates, host: values.host, port, now: () => resolveNow(io.env) },
      log,
    );
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      io.err.write(`broadsheet dev: cannot listen on ${values.host}:${values.port} (${code}); try another --port\n`);
      return 1;
    }
    throw cause;
  }
  const running = server;
  await untilStopped();
  await running.close();
  return 0;
}

function time(): string {
  return new Date().toTimeString().slice(0, 8);
}
