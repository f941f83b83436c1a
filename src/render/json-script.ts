/**
 * JSON to print inside a `<script>` element (JSON-LD). `JSON.stringify` alone lets a headline containing
 * `</script>` or `<!--` end the element early; here `<`, `>` and `&` become \u escapes (still the same JSON
 * value), and so do U+2028/U+2029, which older JavaScript parsers read as line breaks inside strings.
 * Print the result with `<%~ %>`: it is already safe there.
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value) ?? "null";
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
