import { readFileSync } from "node:fs";
import path from "node:path";
import { scanFiles } from "../content/scan.js";
import { displayPath } from "./display-path.js";

export interface TemplateSource {
  /** Name used by include()/layout(): "@" + path without ".eta", e.g. "@partials/item". */
  name: string;
  /** Path for people, e.g. "templates/article.eta". */
  file: string;
  text: string;
}

export interface ThemeSources {
  templates: TemplateSource[];
  /** Files of templates/assets, relative to it, with their bytes. */
  assets: { path: string; bytes: Uint8Array }[];
}

/** templates/**\/*.eta and templates/assets/** (the theme), read once per build. */
export async function loadTemplates(templatesDir: string): Promise<ThemeSources> {
  const files = await scanFiles(templatesDir, "");
  const templates: TemplateSource[] = [];
  const assets: ThemeSources["assets"] = [];
  // Read synchronously: a handful of small files, read while this thread parses the content (between two chunks
  // of parsing, each step of an asynchronous read waited ~25 ms for its turn).
  for (const rel of files) {
    const abs = path.join(templatesDir, rel);
    if (rel.startsWith("assets/")) {
      assets.push({ path: rel.slice("assets/".length), bytes: readFileSync(abs) });
    } else if (rel.endsWith(".eta")) {
      const text = readFileSync(abs, "utf8").replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
      templates.push({ name: `@${rel.slice(0, -".eta".length)}`, file: displayPath(abs), text });
    }
  }
  return { templates, assets };
}
