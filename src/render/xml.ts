// XML written by hand: the documents are small and fixed in shape, and every value from content goes
// through escapeXml, so no CDATA sections (which a "]]>" in a story would break) are needed.

/** Escapes text and attribute values, dropping characters XML 1.0 does not allow at all. */
export function escapeXml(value: string): string {
  const allowed = NOT_XML.test(value) ? value.replace(NOT_XML_ALL, "") : value;
  if (!NEEDS_ESCAPE.test(allowed)) return allowed;
  // One replaceAll per character: a feed's body is HTML, with a character to escape every few words, and a
  // function called for each of them cost ~30% more.
  return allowed.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&apos;");
}
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const NOT_XML_ALL = new RegExp(NOT_XML.source, "g");
const NEEDS_ESCAPE = /[&<>"']/;

export type Attributes = Record<string, string | undefined>;

/** `<name a="v">text</name>`, or `<name a="v"/>` without content; undefined attributes are left out. */
export function element(name: string, attrs: Attributes = {}, text?: string): string {
  const attributes = Object.entries(attrs)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join("");
  return text === undefined ? `<${name}${attributes}/>` : `<${name}${attributes}>${escapeXml(text)}</${name}>`;
}

/** `<name a="v">` + already-made child elements + `</name>`. */
export function parent(name: string, attrs: Attributes, children: string[]): string {
  return `${element(name, attrs).slice(0, -2)}>\n${children.join("\n")}\n</${name}>`;
}

/**
 * A document as pieces of text, in order: a feed's items are made once for the site's feed and their category's,
 * and kept as they are, not copied into one long string per feed (~0.4-0.7 MB, two bytes a character once a
 * story holds a "…", copied again at each level). Every piece starts and ends with markup (ASCII), so encoding
 * them one by one gives the bytes of their concatenation.
 */
export type Pieces = string[];

/** `parent(name, attrs, children)` as pieces: each child is a string or pieces. */
export function parentPieces(name: string, attrs: Attributes, children: (string | Pieces)[]): Pieces {
  const out: Pieces = [`${element(name, attrs).slice(0, -2)}>\n`];
  children.forEach((child, i) => {
    if (i > 0) out.push("\n");
    if (typeof child === "string") out.push(child);
    else for (const piece of child) out.push(piece);
  });
  out.push(`\n</${name}>`);
  return out;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
