// Letters that Unicode decomposition does not reduce to ASCII.
const SPECIAL: Record<string, string> = {
  ə: "e", Ə: "e", ı: "i", İ: "i", ł: "l", Ł: "l", ø: "o", Ø: "o", đ: "d", Đ: "d", ß: "ss",
  æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", þ: "th", Þ: "th", ð: "d", Ð: "d", ħ: "h", ŋ: "n",
};

/** "Türkiye’s “new” deal & more" → "turkiyes-new-deal-more": lower-case ASCII words joined by dashes. */
export function slugify(text: string): string {
  return text
    .replace(/[əƏıİłŁøØđĐßæÆœŒþÞðÐħŋ]/g, (c) => SPECIAL[c] ?? c)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’‘`"“”«»]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
