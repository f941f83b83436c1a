import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

export interface VnuMessage {
  file: string;
  line?: number;
  message: string;
  extract?: string;
}

/** The vnu.jar that the pinned npm package `vnu-jar` ships (no download at install time). */
const VNU_JAR = path.join(path.dirname(createRequire(import.meta.url).resolve("vnu-jar")), "build", "dist", "vnu.jar");

/**
 * Runs the Nu HTML Checker once over every file (one JVM start) and returns its errors.
 * vnu exits 1 when it finds errors and writes its JSON report to stderr either way.
 */
export function checkHtml(files: string[]): Promise<VnuMessage[]> {
  return new Promise((resolve, reject) => {
    execFile(
      "java",
      ["-Xss1024k", "-jar", VNU_JAR, "--format", "json", "--errors-only", ...files],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        try {
          const report = JSON.parse(stderr) as { messages: { url?: string; lastLine?: number; message: string; extract?: string; type: string }[] };
          resolve(report.messages.filter((m) => m.type !== "info").map((m) => ({
            file: m.url ? fileOf(m.url, files) : "(none)",
            ...(m.lastLine !== undefined && { line: m.lastLine }),
            message: m.message,
            ...(m.extract !== undefined && { extract: m.extract }),
          })));
        } catch {
          reject(new Error(`vnu did not report JSON (${error?.message ?? "no error"}):\n${stderr.slice(0, 2000)}`));
        }
      },
    );
  });
}

function fileOf(url: string, files: string[]): string {
  return files.find((f) => pathToFileURL(f).href === url) ?? url;
}
