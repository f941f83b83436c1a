import { readFileSync } from "node:fs";
import { COMMANDS, UsageError, commandHelp, generalHelp, isCommand, parseCommand, type CommandName, type Values } from "./cli/args.js";
import type { Output } from "./cli/output.js";

// argv → command → exit code (0 ok, 1 content errors, 2 usage errors). Only this module and src/cli/ print.

export { resolveNow } from "./cli/now.js";

export async function main(argv: string[], io: Output = { out: process.stdout, err: process.stderr, env: process.env }): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--version" || command === "-v") {
    io.out.write(`broadsheet ${version()}\n`);
    return 0;
  }
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.out.write(generalHelp());
    return 0;
  }
  if (!isCommand(command)) {
    io.err.write(`broadsheet: unknown command ${JSON.stringify(command)}\n\n${generalHelp()}`);
    return 2;
  }
  try {
    return await dispatch(command, rest, io);
  } catch (cause) {
    if (!(cause instanceof UsageError)) throw cause;
    io.err.write(`broadsheet ${command}: ${cause.message}\nUsage: ${COMMANDS[command].usage}\n`);
    return 2;
  }
}

// Each command's module is loaded when it runs: a no-op build should not pay for the dev server.
const RUN: { [C in CommandName]: (values: Values<C>, positionals: string[], io: Output) => Promise<number> } = {
  build: async (values, _, io) => (await import("./cli/build-command.js")).runBuild(values, io),
  check: async (values, _, io) => (await import("./cli/build-command.js")).runCheck(values, io),
  new: async (values, positionals, io) => (await import("./cli/new-command.js")).runNew(values, positionals, io),
  dev: async (values, _, io) => (await import("./cli/dev-command.js")).runDev(values, io),
};

async function dispatch<C extends CommandName>(command: C, args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommand(command, args);
  if (values.help) {
    io.out.write(commandHelp(command));
    return 0;
  }
  return RUN[command](values, positionals, io);
}

/** The version in Broadsheet's package.json, above this module (in src/, dist/ or dist/bundle/). */
function version(): string {
  for (const up of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version: string };
      if (pkg.name === "broadsheet") return pkg.version;
    } catch {
      // not there: one folder up
    }
  }
  return "unknown";
}
