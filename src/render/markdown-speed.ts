import type { default as MarkdownIt, StateInline } from "markdown-it";

// Two of markdown-it's rules, replaced through its own rulers by rules that give exactly the same tokens
// (tests/render-speed-paths.test.ts compares them on generated and random documents). Both look at every
// character of every body: in a cold 4,000-article build they were ~10% of markdown-it's time.

// The characters at which markdown-it's `text` rule stops (its isTerminatorChar): any other inline rule may start
// there. Everything else is plain text, found here by one sticky regular expression instead of a loop in
// JavaScript that asks a switch about each character.
const PLAIN_TEXT = /[^\n!#$%&*+\-:<=>@[\\\]^_`{}~]+/y;

function text(state: StateInline, silent: boolean): boolean {
  PLAIN_TEXT.lastIndex = state.pos;
  if (!PLAIN_TEXT.test(state.src)) return false;
  // The rule may not read past posMax (the end of a link's label while that label is parsed).
  const end = Math.min(PLAIN_TEXT.lastIndex, state.posMax);
  if (end <= state.pos) return false;
  if (!silent) state.pending += state.src.slice(state.pos, end);
  state.pos = end;
  return true;
}

// markdown-it's `normalize` makes every line ending LF and every NUL U+FFFD by two replaces, the first of which
// rebuilds the whole body (it replaces each LF by an LF) even when there is nothing to change, as in almost
// every body: ours are read with LF endings already. The same replaces here, only when there is a CR or a NUL.
const NEEDS_NORMALIZING = /[\r\0]/;

export function markdownSpeed(md: MarkdownIt): void {
  md.core.ruler.at("normalize", (state) => {
    if (NEEDS_NORMALIZING.test(state.src)) state.src = state.src.replace(/\r\n?/g, "\n").replace(/\0/g, "\uFFFD");
  });
  md.inline.ruler.at("text", text);
}
