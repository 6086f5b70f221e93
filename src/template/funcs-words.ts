// Sprig's word functions that ESO 2.9 serves: camelcase (xstrings.ToPascalCase) and swapcase (goutils.SwapCase),
// rune by rune over the Go string (invalid bytes read as U+FFFD, as Go's range does); snakecase and kebabcase
// (xstrings' word splitter, which keeps the bytes of words it does not lower); wrap and wrapWith
// (goutils.WrapCustom), byte by byte as Go's.
import { budget } from "./budget.ts";
import { fn, runeWise, type FuncMap } from "./func-types.ts";
import { isGoSpace, simpleLower, simpleTitle, simpleUpper } from "./funcs-strings.ts";
import { runes, toBin, viaUnicode } from "./gostr.ts";

const isUpper = (ch: string): boolean => /^\p{Lu}$/u.test(ch);
const isLower = (ch: string): boolean => /^\p{Ll}$/u.test(ch);
const isTitle = (ch: string): boolean => /^\p{Lt}$/u.test(ch);
const isConnector = (ch: string): boolean => ch === "-" || ch === "_" || isGoSpace(ch);

/** xstrings.ToPascalCase: connectors (-, _, spaces) before the first word kept, the others dropped; the rune
 *  after a connector upper-cased; a run of capitals after a capital word start lowered. */
function pascalCase(text: string): string {
  const rs = [...text];
  if (rs.length === 0) return "";
  let out = "";
  let i = 0;
  let r0 = "";
  let firstUpper = false;
  for (; i < rs.length; ) {
    r0 = rs[i++]!;
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = simpleUpper(r0);
      break;
    }
    out += r0;
  }
  // All connectors: xstrings writes the last one a second time.
  if (i === rs.length) return out + r0;
  for (; i < rs.length; ) {
    const r1 = r0;
    r0 = rs[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = simpleUpper(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = simpleLower(r0);
        else firstUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}

/** goutils.SwapCase: upper and title case lowered; lower case upper-cased, title-cased after whitespace. */
function swapCase(text: string): string {
  let out = "";
  let whitespace = true;
  for (const ch of text) {
    if (isUpper(ch) || isTitle(ch)) {
      out += simpleLower(ch);
      whitespace = false;
    } else if (isLower(ch)) {
      out += whitespace ? simpleTitle(ch) : simpleUpper(ch);
      whitespace = false;
    } else {
      out += ch;
      whitespace = isGoSpace(ch);
    }
  }
  return out;
}

type Rune = { ch: string; bytes: string; valid: boolean };
const W = { invalid: 0, number: 1, upper: 2, alphabet: 3, connector: 4, punct: 5, other: 6 } as const;
type WordType = (typeof W)[keyof typeof W];
const RUNE_ERROR = "\ufffd";
const isLetter = (ch: string): boolean => /^\p{L}$/u.test(ch);
const isNumber = (ch: string): boolean => /^\p{N}$/u.test(ch);
const isPunct = (ch: string): boolean => /^\p{P}$/u.test(ch);
/** xstrings' isAlphabet: a letter, CJK ideographs excepted. */
function isAlphabet(ch: string): boolean {
  if (!isLetter(ch)) return false;
  const cp = ch.codePointAt(0)!;
  return !((cp >= 0x4e00 && cp <= 0x9fcc) || (cp >= 0x3400 && cp <= 0x4d85) || (cp >= 0x20000 && cp <= 0x2b81d));
}

/** xstrings' splitter over runes (positions are rune indexes; an invalid byte is a rune of its own). */
class Words {
  private readonly rs: Rune[];
  constructor(rs: Rune[]) {
    this.rs = rs;
  }

  /** nextValidRune: the next rune that is not U+FFFD (invalid bytes and a real U+FFFD alike), counting the
   *  skipped ones in `size`; `prev` when none is left. */
  private nextValid(at: number, prev: string): { r: string; size: number } {
    let size = 0;
    for (let i = at; i < this.rs.length; i++) {
      size++;
      const e = this.rs[i]!;
      if (e.valid && e.ch !== RUNE_ERROR) return { r: e.ch, size };
    }
    return { r: prev, size };
  }

  /** nextWord from `start`: its type, its end, and where the rest begins (the same place). */
  next(start: number): { wt: WordType; end: number } {
    const n = this.rs.length;
    if (start >= n) return { wt: W.invalid, end: start };
    let { r, size } = this.nextValid(start, RUNE_ERROR);
    let at = start + size;
    if (r === RUNE_ERROR) return { wt: W.invalid, end: at };
    const run = (keep: (ch: string) => boolean): void => {
      while (at < n) {
        ({ r, size } = this.nextValid(at, r));
        if (!keep(r)) break;
        at += size;
      }
    };
    if (isConnector(r)) return run(isConnector), { wt: W.connector, end: at };
    if (isPunct(r)) return run(isPunct), { wt: W.punct, end: at };
    const lowerAlphabet = (ch: string) => isAlphabet(ch) && !isUpper(ch);
    if (isUpper(r)) {
      if (at >= n) return { wt: W.upper, end: at };
      ({ r, size } = this.nextValid(at, r));
      if (isUpper(r)) {
        let prevSize = size;
        at += size;
        while (at < n) {
          ({ r, size } = this.nextValid(at, r));
          if (!isUpper(r)) break;
          prevSize = size;
          at += size;
        }
        // A capital run followed by a lower-case letter gives its last capital to the next word.
        if (at < n && isAlphabet(r)) at -= prevSize;
      } else if (isAlphabet(r)) {
        at += size;
        run(lowerAlphabet);
      }
      return { wt: W.upper, end: at };
    }
    if (isAlphabet(r)) return run(lowerAlphabet), { wt: W.alphabet, end: at };
    if (isNumber(r)) return run(isNumber), { wt: W.number, end: at };
    run((ch) => !(isConnector(ch) || isAlphabet(ch) || isNumber(ch) || isPunct(ch)));
    return { wt: W.other, end: at };
  }

  /** toLower: upper-case and connector words rune by rune (connectors become `connector`), others as bytes. */
  lower(wt: WordType, from: number, to: number, connector: string): string {
    const word = this.rs.slice(from, to);
    if (wt !== W.upper && wt !== W.connector) return word.map((e) => e.bytes).join("");
    return word.map((e) => (isConnector(e.ch) ? connector : toBin(isUpper(e.ch) ? simpleLower(e.ch) : e.ch))).join("");
  }
}

/** xstrings' camelCaseToLowerCase (ToSnakeCase, ToKebabCase): words lowered and joined by `connector`, numbers
 *  kept with the letters around them, punctuation and invalid bytes left where they are. */
function lowerCaseWords(bin: string, connector: string): string {
  const rs = runes(bin);
  const n = rs.length;
  if (n === 0) return "";
  const words = new Words(rs);
  let out = "";
  // The current word: its type and rune range (the rest starts at its end).
  const cur = { wt: W.invalid as WordType, start: 0, end: 0 };
  const advance = () => Object.assign(cur, { start: cur.end }, words.next(cur.end));
  const is = (...types: WordType[]) => types.includes(cur.wt);
  const lower = (wt: WordType, start: number, end: number) => (out += words.lower(wt, start, end, connector));
  const lowerRun = () => {
    for (; is(W.alphabet, W.number); advance()) lower(cur.wt, cur.start, cur.end);
  };
  advance();
  while (cur.end < n) {
    if (!is(W.connector)) lower(cur.wt, cur.start, cur.end);
    const last = { ...cur };
    advance();
    if (last.wt === W.number) {
      lowerRun();
      if (!is(W.invalid, W.punct, W.connector)) out += connector;
    } else if (last.wt === W.connector) {
      lower(last.wt, last.start, last.end);
    } else if (last.wt !== W.punct) {
      if (!is(W.number)) {
        if (!is(W.connector, W.punct)) out += connector;
        continue;
      }
      if (cur.end >= n) continue;
      const num = { ...cur };
      advance();
      if (!is(W.alphabet)) {
        lower(W.number, num.start, num.end);
        if (!is(W.connector, W.punct)) out += connector;
        continue;
      }
      out += connector;
      lower(W.number, num.start, num.end);
      lowerRun();
      if (!is(W.invalid, W.connector, W.punct)) out += connector;
    }
  }
  lower(cur.wt, cur.start, cur.end);
  return out;
}

/** goutils.WrapCustom: lines of at most `width` bytes broken at the last space (which is dropped); a longer word
 *  is cut at `width` (wrapWith) or kept whole up to the next space (wrap). The output is checked against the
 *  cap as it grows: a long separator repeated at every break can outgrow the input many times. */
function wrapCustom(str: string, width: bigint, sep: string, longWords: boolean): string {
  if (str === "") return "";
  const nl = sep === "" ? "\n" : sep;
  const n = str.length;
  const w = width < 1n ? 1 : width > BigInt(n) ? n : Number(width);
  const parts: string[] = [];
  let size = 0;
  const put = (...xs: string[]) => {
    for (const x of xs) {
      size += x.length;
      budget().fits(size);
      parts.push(x);
    }
  };
  let offset = 0;
  while (n - offset > w) {
    if (str[offset] === " ") {
      offset++;
      continue;
    }
    const end = w + offset + 1;
    budget().work(end - offset);
    const space = str.slice(offset, end).lastIndexOf(" ");
    if (space >= 0) {
      put(str.slice(offset, offset + space), nl);
      offset += space + 1;
    } else if (longWords) {
      put(str.slice(offset, offset + w), nl);
      offset += w;
    } else {
      const next = str.indexOf(" ", w + offset);
      budget().work((next < 0 ? n : next) - offset);
      if (next < 0) {
        put(str.slice(offset));
        offset = n;
      } else {
        put(str.slice(offset, next), nl);
        offset = next + 1;
      }
    }
  }
  put(str.slice(offset));
  return parts.join("");
}

export const wordFuncs: FuncMap = {
  snakecase: runeWise(fn(["string"], (s: string) => lowerCaseWords(s, "_"))),
  kebabcase: runeWise(fn(["string"], (s: string) => lowerCaseWords(s, "-"))),
  wrap: fn(["int", "string"], (l: bigint, s: string) => wrapCustom(s, l, "", false)),
  wrapWith: fn(["int", "string", "string"], (l: bigint, sep: string, s: string) => wrapCustom(s, l, sep, true)),
  camelcase: runeWise(fn(["string"], (s: string) => viaUnicode(s, pascalCase))),
  swapcase: runeWise(fn(["string"], (s: string) => viaUnicode(s, swapCase))),
};
