import { readFileSync } from "node:fs";

/**
 * The text of a content file, read once, for code frames under diagnostics. A file that cannot be read
 * (deleted since, not text) gets no frame rather than an error: the diagnostic itself is what matters.
 */
export function makeSourceReader(): (file: string) => string | undefined {
  const texts = new Map<string, string | undefined>();
  return (file) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, "utf8").replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n"));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
}
