import type { default as MarkdownIt, Renderer, StateBlock, StateInline, Token } from "markdown-it";

// Parts of markdown-it that look at every character of every body, replaced through its own API by
// code that gives exactly the same tokens (tests/render-speed-paths.test.ts compares them with markdown-it's
// own on generated and random documents): two rules, through its rulers, and the block parser's state, which
// it lets a plugin replace. In a cold 4,000-article build they took ~15% of markdown-it's time.

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
// every body: ours are read with LF endings already. The same replaces here, only when there is a CR or a NUL,
// looked for with indexOf: a search for one character runs several times faster than a regular expression's.
const needsNormalizing = (src: string) => src.includes("\r") || src.includes("\0");

// The block parser's state starts by marking where each line begins and ends and how far it is indented,
// which markdown-it does character by character in JavaScript. Here each line's end is found by indexOf, and
// only its indent is read a character at a time. The state is markdown-it's own in every other way: its
// prototype, its fields in the same order, the same marks (a last line of only spaces and tabs, with no line
// feed after it, gets none, as in markdown-it).
function lineMarks(plain: typeof StateBlock): typeof StateBlock {
  function State(this: StateBlock, src: string, md: MarkdownIt, env: unknown, tokens: Token[]) {
    this.src = src;
    this.md = md;
    this.env = env;
    this.tokens = tokens;
    const bMarks: number[] = (this.bMarks = []);
    const eMarks: number[] = (this.eMarks = []);
    const tShift: number[] = (this.tShift = []);
    const sCount: number[] = (this.sCount = []);
    const bsCount: number[] = (this.bsCount = []);
    this.blkIndent = 0;
    this.line = 0;
    this.lineMax = 0;
    this.tight = false;
    this.ddIndent = -1;
    this.listIndent = -1;
    this.parentType = "root";
    this.level = 0;
    const length = src.length;
    for (let start = 0; start < length; ) {
      let pos = start;
      let indent = 0;
      let offset = 0;
      for (let ch = src.charCodeAt(pos); ch === 0x20 || ch === 0x09; ch = src.charCodeAt(++pos)) {
        indent++;
        offset += ch === 0x09 ? 4 - (offset % 4) : 1;
      }
      if (pos === length) break;
      const feed = src.indexOf("\n", pos);
      const end = feed === -1 ? length : feed;
      bMarks.push(start);
      eMarks.push(end);
      tShift.push(indent);
      sCount.push(offset);
      bsCount.push(0);
      start = end + 1;
    }
    // markdown-it's fake last line, which spares bounds checks.
    bMarks.push(length);
    eMarks.push(length);
    tShift.push(0);
    sCount.push(0);
    bsCount.push(0);
    this.lineMax = bMarks.length - 1;
  }
  State.prototype = plain.prototype;
  return State as unknown as typeof StateBlock;
}

// markdown-it's normalizeLink parses every link's URL into its parts, encodes the host as punycode and the rest
// as percent-escapes, and puts the URL together again: ~10 µs a link. A path of letters, digits and / . _ ~ -
// (not starting //, which names a host), or such a path after http(s):// and a host of lowercase ASCII labels,
// comes back as it was, and is returned at once (the tests compare this with markdown-it's own on random URLs).
const PLAIN_URL = /^(?:https?:\/\/[a-z0-9]+(?:[.-][a-z0-9]+)*(?=\/|$)|(?!\/\/))[A-Za-z0-9/._~-]*$/;

// markdown-it's renderer adds each token's HTML to a string: a rope of hundreds of pieces per body, which V8
// flattens when the page is searched or encoded (~10 µs a body). The same pieces, in the same order, kept in an
// array and joined make one flat string at once. Render and flatten of 2,000 bodies, medians of 12 rounds:
// 117 ms -> 76 ms.
type RenderToken = (this: Renderer, tokens: Token[], idx: number, options: MarkdownIt["options"], env: unknown) => string;

function joinedRender(renderer: Renderer): void {
  renderer.renderInline = function (tokens, options, env) {
    const out: string[] = [];
    const rules = this.rules;
    for (let i = 0, len = tokens.length; i < len; i++) {
      const rule = rules[tokens[i]!.type];
      out.push(rule !== undefined ? rule(tokens, i, options, env, this) : this.renderToken(tokens, i, options));
    }
    return out.join("");
  };
  renderer.render = function (tokens, options, env) {
    const out: string[] = [];
    const rules = this.rules;
    for (let i = 0, len = tokens.length; i < len; i++) {
      const token = tokens[i]!;
      const rule = rules[token.type];
      if (token.type === "inline") out.push(this.renderInline(token.children!, options, env));
      // markdown-it's render hands renderToken the env too (its renderInline does not), for a renderToken a plugin replaced.
      else out.push(rule !== undefined ? rule(tokens, i, options, env, this) : (this.renderToken as RenderToken).call(this, tokens, i, options, env));
    }
    return out.join("");
  };
}

// markdown-it's skipToken (which a link's label is scanned with) remembers where each position's token ends in
// `state.cache`, a plain object indexed by position in the paragraph: V8 gives such an object an array as long
// as the largest position, grown by copying, for every paragraph with a link. A quarter of the bytes a cold build
// allocated to render its pages (256 of 1,008 MB at 4,000 articles). The same code here keeps them in a Map,
// made on the first skip. The inline state's `cache` is read and written by skipToken alone.
function skipToken(this: MarkdownIt["inline"], state: StateInline & { cache: unknown }): void {
  const pos = state.pos;
  const rules = this.ruler.getRules("");
  const len = rules.length;
  const maxNesting = (state.md.options as { maxNesting: number }).maxNesting;
  let cache = state.cache as Map<number, number>;
  if (!(cache instanceof Map)) state.cache = cache = new Map();
  const known = cache.get(pos);
  if (known !== undefined) {
    state.pos = known;
    return;
  }
  let ok = false;
  if (state.level < maxNesting) {
    for (let i = 0; i < len; i++) {
      // As markdown-it: the level limits recursion.
      state.level++;
      ok = rules[i]!(state, true);
      state.level--;
      if (ok) {
        if (pos >= state.pos) throw new Error("inline rule didn't increment state.pos");
        break;
      }
    }
  } else {
    // Too much nesting: skip to the end of the paragraph, as markdown-it does.
    state.pos = state.posMax;
  }
  if (!ok) state.pos++;
  cache.set(pos, state.pos);
}

export function markdownSpeed(md: MarkdownIt): void {
  md.inline.skipToken = skipToken;
  joinedRender(md.renderer);
  const normalizeLink = md.normalizeLink.bind(md);
  md.normalizeLink = (url) => (PLAIN_URL.test(url) ? url : normalizeLink(url));
  md.block.State = lineMarks(md.block.State);
  md.core.ruler.at("normalize", (state) => {
    if (needsNormalizing(state.src)) state.src = state.src.replace(/\r\n?/g, "\n").replace(/\0/g, "\uFFFD");
  });
  md.inline.ruler.at("text", text);
}
