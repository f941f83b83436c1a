/** Whether `text` is an absolute http(s) address, as a site's baseUrl (or `--base-url`) must be. */
export function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}
