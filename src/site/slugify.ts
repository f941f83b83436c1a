// Letters that Unicode decomposition does not reduce to ASCII.
const SPECIAL: Record<string, string> = {
  ə: "e", Ə: "e", ı: "i", İ: "i", ł: "l", Ł: "l", ø: "o", Ø: "o", đ: "d", Đ: "d", ß: "ss",
  æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", þ: "th", Þ: "th", ð: "d", Ð: "d", ħ: "h", ŋ: "n",
};

// Tag names repeat across thousands of articles, and each is slugified for the index and again for every page
// that links it: the slugs are kept (up to a bound, for a process that lives long, as `build --watch` does).
const known = new Map<string, string>();
const KEEP_AT_MOST = 20_000;

/** "Türkiye’s “new” deal & more" → "turkiyes-new-deal-more": lower-case ASCII words joined by dashes. */
export function slugify(text: string): string {
  let slug = known.get(text);
  if (slug === undefined) {
    if (known.size >= KEEP_AT_MOST) known.clear();
    known.set(text, (slug = slugOf(text)));
  }
  return slug;
}

function slugOf(text: string): string {
  return text
    .replace(/[əƏıİłŁøØđĐßæÆœŒþÞðÐħŋ]/g, (c) => SPECIAL[c] ?? c)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’‘`"“”«»]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
