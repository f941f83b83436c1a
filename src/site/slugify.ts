// Letters that Unicode decomposition does not reduce to ASCII; Cyrillic (Russian, Ukrainian, Azerbaijani
// Cyrillic) as newsrooms transliterate it in URLs, so that a tag or headline in Cyrillic gets a slug too.
const SPECIAL: Record<string, string> = {
  ə: "e", Ə: "e", ı: "i", İ: "i", ł: "l", Ł: "l", ø: "o", Ø: "o", đ: "d", Đ: "d", ß: "ss",
  æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", þ: "th", Þ: "th", ð: "d", Ð: "d", ħ: "h", ŋ: "n",
};
const CYRILLIC: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "yo", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l",
  м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh",
  щ: "shch", ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya", є: "ye", і: "i", ї: "yi", ґ: "g",
  ә: "e", ғ: "gh", ҝ: "g", ҹ: "j", һ: "h", ј: "y", ө: "o", ү: "u", ҷ: "j", қ: "q", ң: "n", ұ: "u",
};
for (const [letter, latin] of Object.entries(CYRILLIC)) SPECIAL[letter] = SPECIAL[letter.toUpperCase()] = latin;
const TRANSLITERATED = new RegExp(`[${Object.keys(SPECIAL).join("")}]`, "g");

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
    .replace(TRANSLITERATED, (c) => SPECIAL[c] ?? c)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’‘`"“”«»]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
