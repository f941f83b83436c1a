// XML written by hand: the documents are small and fixed in shape, and every value from content goes
// through escapeXml, so no CDATA sections (which a "]]>" in a story would break) are needed.

/** Escapes text and attribute values, dropping characters XML 1.0 does not allow at all. */
export function escapeXml(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}
const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

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

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
