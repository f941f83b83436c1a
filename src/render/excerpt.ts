/** The first ~160 characters of the body text, for meta descriptions and feed summaries. */
export function excerpt(html: string, max = 160): string {
  // The text of the body's start is usually enough: try a window a few times `max`, then wider ones, then all
  // (a tag or entity cut at a window's end is dropped or lies past `max`).
  for (let window = max * 4; window < html.length; window *= 4) {
    const quick = excerptOf(html.slice(0, window).replace(/<[^>]*$/, ""), max);
    if (quick.endsWith("…")) return quick;
  }
  return excerptOf(html, max);
}

function excerptOf(html: string, max: number): string {
  // Block tags separate words; inline ones (<em>, <a>) sit inside them and must not add a space before a full stop.
  const text = html.replace(/<\/?(?:p|h[1-6]|li|ul|ol|blockquote|br|hr|div|pre|table|tr|td|th|figure|figcaption)\b[^>]*>/gi, " ").replace(/<[^>]*>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, " ").trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max - 20)).trimEnd()}…`;
}

