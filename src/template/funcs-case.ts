// Sprig's case converters that ESO 2.9 serves: camelcase (xstrings.ToPascalCase) and swapcase
// (goutils.SwapCase), rune by rune over the Go string (invalid bytes read as U+FFFD, as Go's range does).
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

export const caseFuncs: FuncMap = {
  camelcase: runeWise(fn(["string"], (s: string) => viaUnicode(s, pascalCase))),
  swapcase: runeWise(fn(["string"], (s: string) => viaUnicode(s, swapCase))),
};
