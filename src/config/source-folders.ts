import { statSync } from "node:fs";
import { error, type Diagnostic } from "../errors/diagnostic.js";
import { displayPath } from "./display-path.js";

const HINTS = {
  content: "Run Broadsheet in the site's folder (where content/ is), or pass --content DIR.",
  templates: "Run Broadsheet in the site's folder (where templates/ is), or pass --templates DIR; a new theme starts as a copy of Broadsheet's templates/.",
};

/**
 * The content or templates folder, when it is not there or is a file: said as such, rather than as a missing
 * site.yml (or an internal error for a file) and a missing template.
 */
export function missingFolders(contentDir: string, templatesDir: string): Diagnostic[] {
  return [...missingFolder(contentDir, "content"), ...missingFolder(templatesDir, "templates")];
}

/** `dir`, the content or templates folder, when it is not there or is a file. */
export function missingFolder(dir: string, name: keyof typeof HINTS): Diagnostic[] {
  let file = false;
  try {
    if (statSync(dir).isDirectory()) return [];
    file = true;
  } catch {
    // not there (or a file on its path)
  }
  const shown = displayPath(dir);
  return [error(`${name}-missing`, shown, { line: 0, column: 0 }, file ? `the ${name} folder ${shown} is a file` : `the ${name} folder ${shown} is not there`, { hint: HINTS[name] })];
}
