/**
 * Whether `text` is an absolute http(s) address a site can live at, as its baseUrl (or `--base-url`) must be:
 * no query or fragment, which every page's URL would carry in the middle.
 */
export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return /^https?:$/.test(url.protocol) && url.search === "" && url.hash === "" && !/[?#]/.test(text);
}
