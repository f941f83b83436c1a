import { createHash } from "node:crypto";
import { Eta, type TemplateFunction } from "eta/core";
import { error, type Diagnostic } from "../errors/diagnostic.js";
import type { TemplateSource } from "../config/load-templates.js";

export interface Templates {
  has(name: string): boolean;
  /** What they were compiled from: a render worker compiles its own copy (functions cannot cross threads). */
  sources: readonly TemplateSource[];
  /** Digest of every template's name and text: a page's output depends on all it may include. */
  fingerprint: string;
  /** Renders a template; on failure returns a diagnostic naming the template, its line and the page. */
  render(name: string, data: object, page: string): { html: string } | { diagnostic: Diagnostic };
}

/** Escapes text and attribute values; a missing value prints nothing rather than "undefined". */
export function escapeHtml(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = String(value);
  // Most values (titles, URLs, times) have nothing to escape: a test is much cheaper than a replace.
  return NEEDS_ESCAPE.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}
const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

interface TaggedError extends Error {
  template?: string;
}

/**
 * Compiles every template once per build. Rendering runs without Eta's debug mode (it slows every page);
 * when a page fails, it is rendered again in debug mode to find the template line for the report.
 */
export function compileTemplates(sources: TemplateSource[]): { templates?: Templates; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fast = makeEta(sources, false, diagnostics);
  if (diagnostics.length > 0) return { diagnostics };
  let debug: Eta | undefined;
  const byName = new Map(sources.map((s) => [s.name, s]));
  const templates: Templates = {
    has: (name) => byName.has(name),
    sources,
    fingerprint: createHash("sha1").update(JSON.stringify(sources.map((s) => [s.name, s.text]))).digest("base64"),
    render(name, data, page) {
      try {
        return { html: fast.render(name, data) };
      } catch (first) {
        debug ??= makeEta(sources, true, []);
        let failure: TaggedError = first as TaggedError;
        try {
          debug.render(name, data);
        } catch (again) {
          failure = again as TaggedError;
        }
        return { diagnostic: templateDiagnostic(failure, byName, name, page) };
      }
    },
  };
  return { templates, diagnostics };
}

/**
 * `{...a, ...b, ...}` for the data a template hands to another (include, layout): Object.assign into a new object,
 * but a source with its own `__proto__` key goes through the spread, which defines it as a key (Object.assign would
 * set the prototype). Eta's own spread made V8 a new hidden class for each include (~7 per page: each item of Read
 * also, the layout), whose creation, memory and collection cost ~15% of the scavenges' time.
 */
export function mergedData(...sources: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const source of sources) {
    if (source !== null && typeof source === "object" && Object.hasOwn(source, "__proto__")) return sources.reduce<Record<string, unknown>>((all, s) => ({ ...all, ...(s as object) }), {});
    Object.assign(out, source);
  }
  return out;
}

/** Eta's code for an include's data and a layout's, and ours (see mergedData). */
export const MERGES: [string, string][] = [
  ["{...it, ...(__eta_d ?? {})}", "this.mergedData(it, __eta_d)"],
  ["{...it, body: __eta.res, ...__eta.layoutData, __blocks: __eta.blocks}", "this.mergedData(it, {body: __eta.res}, __eta.layoutData, {__blocks: __eta.blocks})"],
];

function makeEta(sources: TemplateSource[], debug: boolean, diagnostics: Diagnostic[]): Eta {
  const eta = new Eta({
    autoEscape: true,
    useWith: false,
    debug,
    cache: true,
    autoTrim: [false, "nl"],
    escapeFunction: escapeHtml,
    // Each template's function is Eta's, its data merges ours (the same keys and values, in the same order).
    plugins: [{ processFnString: (code) => MERGES.reduce((text, [theirs, ours]) => text.replaceAll(theirs, ours), code) }],
  });
  Object.assign(eta, { mergedData });
  // Debug mode reports a failure by its `message`: a template that throws a value that is not an Error
  // (`throw 42`) would be reported as "undefined".
  const runtimeError = eta.RuntimeErr;
  eta.RuntimeErr = (cause: unknown, text, line, file) => runtimeError(cause instanceof Error ? cause : new Error(String(cause)), text, line, file);
  for (const source of sources) {
    let compiled: TemplateFunction;
    try {
      compiled = eta.compile(source.text);
    } catch (cause) {
      const message = String((cause as Error).message);
      const at = /at line (\d+) col (\d+)/.exec(message);
      diagnostics.push(
        error("template-syntax", source.file, { line: Number(at?.[1] ?? 1), column: Number(at?.[2] ?? 1) }, `template syntax error: ${message.split(/ at line|\n/)[0]}`, {
          hint: "Check that every <% has its %> and that quotes inside tags are closed.",
        }),
      );
      continue;
    }
    const wrapped = function (this: Eta, data?: object, options?: object) {
      try {
        return compiled.call(this, data, options);
      } catch (cause) {
        const tagged = (cause instanceof Error ? cause : new Error(String(cause))) as TaggedError;
        tagged.template ??= source.name;
        throw tagged;
      }
    };
    eta.loadTemplate(source.name, (!debug && showsOnlyItsItem(source.text) ? remembered(wrapped) : wrapped) as TemplateFunction);
  }
  return eta;
}

/**
 * True when a partial shows only `it.item` (and whether to name its category, `it.showCategory`), as the
 * default theme's item partial does: nothing else it could read, nothing it includes. Its output is then the
 * same each time it is given the same story.
 */
export function showsOnlyItsItem(text: string): boolean {
  return !/\barguments\b|\binclude\b|\blayout\b|\bit\b(?!\.(?:item|showCategory)\b)/.test(text);
}

type Partial = (this: Eta, data?: object, options?: object) => string;

/**
 * A partial that shows only its story (see showsOnlyItsItem), rendered once for each story and each value of
 * showCategory. A story's item is listed ~10 times in a build (Read also of its category's stories, archive,
 * category, author and tag pages): ~46,000 items made from ~4,000 at 4,000 articles. The pages each thread
 * renders share one item object per story (see pageRenderer).
 */
function remembered(render: Partial): Partial {
  const made = new WeakMap<object, Map<unknown, string>>();
  return function (this: Eta, data?: object, options?: object) {
    const { item, showCategory } = (data ?? {}) as { item?: unknown; showCategory?: unknown };
    if (typeof item !== "object" || item === null) return render.call(this, data, options);
    let byShow = made.get(item);
    if (!byShow) made.set(item, (byShow = new Map()));
    let html = byShow.get(showCategory);
    if (html === undefined) {
      html = render.call(this, data, options);
      // Flattened once here, not in each page that holds it.
      html.charCodeAt(0);
      byShow.set(showCategory, html);
    }
    return html;
  };
}

function templateDiagnostic(failure: TaggedError, byName: Map<string, TemplateSource>, entry: string, page: string): Diagnostic {
  const source = byName.get(failure.template ?? entry) ?? byName.get(entry);
  const message = String(failure.message ?? failure);
  // Debug-mode messages hold one "line N" frame per include level; the last is where it failed.
  const frames = [...message.matchAll(/^line (\d+)$/gm)];
  const line = Number(frames.at(-1)?.[1] ?? 0);
  const reason = message.split("\n\n").at(-1) ?? message;
  const missing = /Failed to get template '([^']+)'/.exec(reason);
  return error("template-error", source?.file ?? entry, { line, column: line > 0 ? 1 : 0 }, `${reason} (while rendering ${page})`, {
    hint: missing
      ? `There is no template ${missing[1]}.eta; check the name given to include() or layout().`
      : "Check the template at this line; values that may be missing need a test such as <% if (it.x) { %>.",
  });
}
