import type { Diagnostic } from "../errors/diagnostic.js";

// Machine-readable reports for `broadsheet check --format json|github`.

export const FORMATS = ["text", "json", "github"] as const;
export type Format = (typeof FORMATS)[number];

export function jsonReport(ok: boolean, diagnostics: readonly Diagnostic[], articles: number): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return `${JSON.stringify({ ok, errors, warnings: diagnostics.length - errors, articles, diagnostics }, null, 2)}\n`;
}

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`), one per line, so a
 * pull request shows each mistake on the line it is about. Escaping follows the runner's rules:
 * the message escapes % CR LF; property values also escape : and ,.
 */
export function githubAnnotations(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${githubAnnotation(d)}\n`).join("");
}

export function githubAnnotation(d: Diagnostic): string {
  const props = [`file=${escapeProperty(d.file)}`];
  if (d.line > 0) props.push(`line=${d.line}`, `col=${Math.max(1, d.column)}`);
  props.push(`title=${escapeProperty(d.field ? `${d.field}: ${d.code}` : d.code)}`);
  const message = d.hint ? `${d.message}\n${d.hint}` : d.message;
  return `::${d.severity === "error" ? "error" : "warning"} ${props.join(",")}::${escapeData(message)}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
