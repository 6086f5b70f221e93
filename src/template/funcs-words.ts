// Sprig's word functions that ESO 2.9 serves: camelcase (xstrings.ToPascalCase) and swapcase (goutils.SwapCase),
// rune by rune over the Go string (invalid bytes read as U+FFFD, as Go's range does); wrap and wrapWith
// (goutils.WrapCustom), byte by byte as Go's.
import { budget } from "./budget.ts";
import { fn, runeWise, type FuncMap } from "./func-types.ts";
import { isGoSpace, simpleLower, simpleTitle, simpleUpper } from "./funcs-strings.ts";
import { viaUnicode } from "./gostr.ts";

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
  wrap: fn(["int", "string"], (l: bigint, s: string) => wrapCustom(s, l, "", false)),
  wrapWith: fn(["int", "string", "string"], (l: bigint, sep: string, s: string) => wrapCustom(s, l, sep, true)),
  camelcase: runeWise(fn(["string"], (s: string) => viaUnicode(s, pascalCase))),
  swapcase: runeWise(fn(["string"], (s: string) => viaUnicode(s, swapCase))),
};
