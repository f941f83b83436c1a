import { parseArgs, type ParseArgsConfig } from "node:util";

// Every command's flags and help text, in one table, so `--help` and the parser cannot disagree.

type Options = NonNullable<ParseArgsConfig["options"]>;

const SOURCES = {
  content: { type: "string", default: "content" },
  templates: { type: "string", default: "templates" },
} as const satisfies Options;
const HELP = { help: { type: "boolean", short: "h", default: false } } as const satisfies Options;
const SOURCES_HELP = `  --content DIR     content folder (default: content)
  --templates DIR   templates folder (default: templates)`;

export const COMMANDS = {
  build: {
    summary: "build the site into public/",
    usage: "broadsheet build [--content DIR] [--templates DIR] [--out DIR] [--drafts] [--future] [--base-url URL] [--strict] [--quiet] [--no-cache] [--timings] [--watch]",
    help: `${SOURCES_HELP}
  --out DIR         output folder, replaced as a whole when the build succeeds (default: public)
  --drafts          include drafts (for previews; never for the public site)
  --future          include scheduled articles, dated after now
  --base-url URL    override baseUrl from site.yml (canonical URLs, feeds), e.g. for a staging host
  --strict          warnings fail the build
  --quiet           print nothing when all is well
  --no-cache        a cold build: ignore .broadsheet-cache/ (encoded images are reused) and rewrite every file
  --timings         print the milliseconds each stage took (load, validate, render, write...)
  --watch           keep running: build again on every change to the content or templates, and when a
                    scheduled story is due; Ctrl-C stops (for a preview without writing, see dev)`,
    options: {
      ...SOURCES,
      out: { type: "string", default: "public" },
      drafts: { type: "boolean", default: false },
      future: { type: "boolean", default: false },
      "base-url": { type: "string" },
      strict: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      "no-cache": { type: "boolean", default: false },
      timings: { type: "boolean", default: false },
      watch: { type: "boolean", default: false },
      ...HELP,
    },
    positionals: 0,
  },
  check: {
    summary: "validate the content and templates without writing anything",
    usage: "broadsheet check [--content DIR] [--templates DIR] [--format text|json|github] [--strict]",
    help: `${SOURCES_HELP}
  --format FORMAT   text (default), json, or github (GitHub Actions annotations on pull requests)
  --strict          warnings count as errors`,
    options: { ...SOURCES, format: { type: "string", default: "text" }, strict: { type: "boolean", default: false }, ...HELP },
    positionals: 0,
  },
  new: {
    summary: "create an article: content/articles/YYYY/MM/<slug>.md",
    usage: 'broadsheet new "Headline" --category ID [--author ID] [--subtitle TEXT] [--slug SLUG] [--content DIR]',
    help: `  --category ID     a category id from site.yml (required)
  --author ID       an author id from authors.yml
  --subtitle TEXT   the dek
  --slug SLUG       the URL name (default: made from the headline, e.g. "Türkiye’s deal" → turkiyes-deal)
  --content DIR     content folder (default: content)`,
    options: {
      content: SOURCES.content,
      category: { type: "string" },
      author: { type: "string" },
      subtitle: { type: "string" },
      slug: { type: "string" },
      ...HELP,
    },
    positionals: 1,
  },
  dev: {
    summary: "preview the site with drafts and scheduled articles; rebuilds and reloads on every change",
    usage: "broadsheet dev [--port N] [--host ADDRESS] [--content DIR] [--templates DIR]",
    help: `  --port N          port to listen on (default: 4000; 0 picks a free one)
  --host ADDRESS    address to listen on (default: 127.0.0.1, this machine only)
${SOURCES_HELP}`,
    options: { ...SOURCES, port: { type: "string", default: "4000" }, host: { type: "string", default: "127.0.0.1" }, ...HELP },
    positionals: 0,
  },
} as const;

export type CommandName = keyof typeof COMMANDS;
type OptionsOf<C extends CommandName> = (typeof COMMANDS)[C]["options"];
type ValueOf<O> = O extends { type: "boolean" } ? boolean : O extends { default: string } ? string : string | undefined;
/** The parsed flags of a command: booleans, strings with defaults, optional strings. */
export type Values<C extends CommandName> = { -readonly [K in keyof OptionsOf<C>]: ValueOf<OptionsOf<C>[K]> };

export function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

export class UsageError extends Error {}

/** Flags and positionals of one command; a UsageError for anything unknown, missing or extra. */
export function parseCommand<C extends CommandName>(name: C, args: string[]): { values: Values<C>; positionals: string[] } {
  const spec = COMMANDS[name];
  let parsed;
  try {
    parsed = parseArgs({ args, options: spec.options, strict: true, allowPositionals: true });
  } catch (cause) {
    throw new UsageError((cause as Error).message);
  }
  // parseArgs types its result from a literal; the table is generic here, so say what it returns.
  const values = parsed.values as unknown as Values<C>;
  if (!parsed.values.help && parsed.positionals.length > spec.positionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[spec.positionals])}`);
  }
  return { values, positionals: parsed.positionals };
}

export function commandHelp(name: CommandName): string {
  const spec = COMMANDS[name];
  return `Usage: ${spec.usage}\n\n${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.\n\nOptions:\n${spec.help}\n  -h, --help        show this help\n`;
}

export function generalHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(7)} ${spec.summary}`);
  return `Usage: broadsheet <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nOptions:\n  -h, --help     show help (also: broadsheet <command> --help)\n  -v, --version  show the version\n\nExit codes: 0 success, 1 content errors, 2 usage errors.\n`;
}
