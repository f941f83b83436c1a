import { execFile } from "node:child_process";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { FIXTURE_NOW, ROOT, fixture } from "./helpers.js";

// The real executable, as editors and CI run it: bin/broadsheet.js on dist/ (npm test compiles first).

export const BIN = path.join(ROOT, "bin/broadsheet.js");
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `broadsheet ...args` in `cwd` with the fixture clock and no colour. */
export async function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, SOURCE_DATE_EPOCH: String(FIXTURE_NOW / 1000), NO_COLOR: "1", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A fresh copy of the fixture newsroom as content/ and the default theme as templates/ in a temp folder. */
export async function newsroomCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-cli-"));
  await cp(fixture("newsroom"), path.join(dir, "content"), { recursive: true });
  await cp(path.join(ROOT, "templates"), path.join(dir, "templates"), { recursive: true });
  return dir;
}
