import type { Diagnostic } from "./diagnostic.js";

/**
 * `path:line:column  field  message`, then a short code frame and the hint.
 * `source` gives the text of a file so the frame can be shown; missing files get no frame.
 */
export function formatDiagnostic(d: Diagnostic, source?: (file: string) => string | undefined): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const label = d.severity === "warning" ? "warning" : "error";
  const head = [where, d.field ?? "-", `${label}: ${d.message}`, `[${d.code}]`].join("  ");
  const lines = [head];
  const text = d.line > 0 ? source?.(d.file) : undefined;
  if (text !== undefined) lines.push(codeFrame(text, d.line, d.column));
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join("\n");
}

/** Two lines of context before the offending line, a caret under the column. */
export function codeFrame(text: string, line: number, column: number): string {
  const all = text.split(/\r\n|\n|\r/);
  const from = Math.max(1, line - 2);
  const to = Math.min(all.length, line);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const content = (all[n - 1] ?? "").replace(/\t/g, " ");
    out.push(`  ${n === line ? ">" : " "} ${String(n).padStart(width)} | ${truncate(content)}`);
  }
  out.push(`    ${" ".repeat(width)} | ${" ".repeat(Math.max(0, Math.min(column, 120) - 1))}^`);
  return out.join("\n");
}

function truncate(line: string): string {
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
