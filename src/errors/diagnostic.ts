// Content problems are data: where (file, line, column, field), what, and what to do.
// Codes are permanent names; tests and editors' tooling rely on them.

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: string;
  severity: Severity;
  /** Path relative to the project (e.g. "content/articles/2024/07/x.md"). */
  file: string;
  /** 1-based; 0 when the problem concerns the file as a whole. */
  line: number;
  column: number;
  field?: string;
  message: string;
  hint?: string;
}

export interface Location {
  line: number;
  column: number;
}

export function error(
  code: string,
  file: string,
  at: Location,
  message: string,
  extra: { field?: string; hint?: string } = {},
): Diagnostic {
  return { code, severity: "error", file, line: at.line, column: at.column, message, ...extra };
}

export function warning(
  code: string,
  file: string,
  at: Location,
  message: string,
  extra: { field?: string; hint?: string } = {},
): Diagnostic {
  return { code, severity: "warning", file, line: at.line, column: at.column, message, ...extra };
}

export const FILE_START: Location = { line: 1, column: 1 };

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order for reports: by file, then position, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.code, b.code),
  );
}

/** Code-point order, independent of the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Thrown inside the build when it must stop; the CLI prints the diagnostics, never a stack trace. */
export class BuildFailure extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`${diagnostics.filter((d) => d.severity === "error").length} content error(s)`);
    this.name = "BuildFailure";
  }
}
