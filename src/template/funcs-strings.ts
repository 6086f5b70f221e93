// Sprig's string functions, byte-exact with Go: trim/upper/lower/title, substr/trunc (byte offsets),
// quote/squote, indent/nindent, replace, repeat, contains/hasPrefix, cat, split/splitList/join, plural...
import { boundedJoin, budget } from "./budget.ts";
import { fn, GoError, lookup, runeWise, type FuncMap } from "./func-types.ts";
import { goQuote } from "./fmt.ts";
import { strslice, strval } from "./convert.ts";
import { fromBin, runes, toBin, viaUnicode } from "./gostr.ts";
import { GoMap, typedList, type GoValue } from "./values.ts";
import { formatValue } from "./fmt.ts";

export const isGoSpace = (ch: string): boolean => /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u.test(ch);

/** Trims runes matching `drop` from the ends, cutting the original bytes (invalid bytes stay as they are). */
function trimRunes(s: string, drop: (ch: string, valid: boolean) => boolean, left = true, right = true): string {
  const rs = runes(s);
  let a = 0;
  let b = rs.length;
  if (left) while (a < b && drop(rs[a]!.ch, rs[a]!.valid)) a++;
  if (right) while (b > a && drop(rs[b - 1]!.ch, rs[b - 1]!.valid)) b--;
  return rs.slice(a, b).map((r) => r.bytes).join("");
}

const trimSpace = (s: string): string => trimRunes(s, (ch, valid) => valid && isGoSpace(ch));

/** strings.Trim(s, cutset): strips any rune of cutset from both ends. */
function trimSet(s: string, cutset: string): string {
  const set = new Set([...fromBin(cutset)]);
  return trimRunes(s, (ch) => set.has(ch));
}

/** unicode.ToUpper/ToLower/ToTitle are simple (one rune to one rune) mappings; JavaScript's full mappings
 *  (ß -> SS) are kept only when they give a single character. */
const DIGRAPH_TITLE: Record<string, string> = { "\u01c4": "\u01c5", "\u01c5": "\u01c5", "\u01c6": "\u01c5", "\u01c7": "\u01c8", "\u01c8": "\u01c8", "\u01c9": "\u01c8", "\u01ca": "\u01cb", "\u01cb": "\u01cb", "\u01cc": "\u01cb", "\u01f1": "\u01f2", "\u01f2": "\u01f2", "\u01f3": "\u01f2" };
export const simpleUpper = (ch: string): string => {
  const cp = ch.codePointAt(0)!;
  // Greek with ypogegrammeni: the simple mapping is the prosgegrammeni capital.
  if ((cp >= 0x1f80 && cp <= 0x1f87) || (cp >= 0x1f90 && cp <= 0x1f97) || (cp >= 0x1fa0 && cp <= 0x1fa7)) return String.fromCodePoint(cp + 8);
  if (cp === 0x1fb3 || cp === 0x1fc3 || cp === 0x1ff3) return String.fromCodePoint(cp + 9);
  const u = ch.toUpperCase();
  return [...u].length === 1 ? u : ch;
};
export const simpleLower = (ch: string): string => {
  const l = ch.toLowerCase();
  return [...l].length === 1 ? l : [...l][0]!;
};
export const simpleTitle = (ch: string): string => DIGRAPH_TITLE[ch] ?? simpleUpper(ch);
export const goUpper = (s: string): string => viaUnicode(s, (t) => [...t].map(simpleUpper).join(""));
export const goLower = (s: string): string => viaUnicode(s, (t) => [...t].map(simpleLower).join(""));

/** strings.isSeparator: ASCII non-alphanumerics (but not _) and, beyond ASCII, only spaces. */
function isSeparator(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if (cp <= 0x7f) return !/[A-Za-z0-9_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** strings.Title: title-cases the first letter of each word. */
function title(s: string): string {
  return viaUnicode(s, (t) => {
    let prev = " ";
    let out = "";
    for (const ch of t) {
      out += isSeparator(prev) ? simpleTitle(ch) : ch;
      prev = ch;
    }
    return out;
  });
}

/** goutils.Uncapitalize: lower-cases the first letter of each whitespace-separated word. */
const untitle = (s: string): string => viaUnicode(s, (t) => t.replace(/(^|\s)(\S)/gu, (_m, sp: string, ch: string) => sp + ch.toLowerCase()));

/** goutils.DeleteWhiteSpace walks BYTES and writes each kept byte as a rune, so non-ASCII text comes out
 *  double-encoded when any whitespace was removed (a Sprig bug we reproduce for byte-identical output). */
function nospace(s: string): string {
  let out = "";
  let removed = false;
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0x85 || b === 0xa0) {
      removed = true;
      continue;
    }
    out += toBin(String.fromCharCode(b));
  }
  // Unchanged input is returned as is (no re-encoding).
  return removed ? out : s;
}

const initials = (s: string): string => viaUnicode(s, (t) => t.split(/\s+/u).filter(Boolean).map((w) => [...w][0]).join(""));

function abbrev(width: bigint, s: string): string {
  const w = Number(width);
  if (w < 4 || s.length <= w) return s;
  return s.slice(0, w - 3) + "...";
}

function abbrevboth(left: bigint, right: bigint, s: string): string {
  let l = Number(left);
  const r = Number(right);
  if (r < 4 || (l > 0 && r < 7)) return s;
  if (s.length <= r) return s;
  if (l > s.length) l = s.length;
  if (s.length - l < r - 3) l = s.length - (r - 3);
  if (l <= 4) return s.slice(0, r - 3) + "...";
  if (r < 7) throw new GoError("minimum abbreviation width with offset is 7");
  if (l + r - 3 < s.length) return "..." + abbrev(BigInt(r - 3), s.slice(l));
  return "..." + s.slice(s.length - (r - 3));
}

function substr(start: bigint, end: bigint, s: string): string {
  const len = BigInt(s.length);
  const oob = (a: bigint, b: bigint): never => {
    throw new GoError(`runtime error: slice bounds out of range [${a}:${b}]`);
  };
  if (start < 0n) return end < 0n || end > len ? oob(0n, end) : s.slice(0, Number(end));
  if (end < 0n || end > len) return start > len ? oob(start, len) : s.slice(Number(start));
  return start > end ? oob(start, end) : s.slice(Number(start), Number(end));
}

function trunc(c: bigint, s: string): string {
  const n = Number(c);
  if (n < 0 && s.length + n > 0) return s.slice(s.length + n);
  if (n >= 0 && s.length > n) return s.slice(0, n);
  return s;
}

const indent = (spaces: bigint, v: string): string => {
  if (spaces < 0n) throw new GoError("strings: negative Repeat count");
  budget().fits(spaces);
  const lines = v.split("\n");
  budget().fits(BigInt(v.length) + spaces * BigInt(lines.length));
  const pad = " ".repeat(Number(spaces));
  return pad + lines.join("\n" + pad);
};

function splitGo(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === "") {
    const parts = runes(s).map((r) => r.bytes); // invalid bytes stay single bytes
    if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join("")];
    return parts;
  }
  const parts = s.split(sep);
  if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}

const indexed = (parts: string[]): GoMap => new GoMap(parts.map((p, i) => [`_${i}`, p]), "string");

/** strings.Repeat, with its panics; a result beyond the budget's cap fails before it is built. */
const repeat = (count: bigint, s: string): string => {
  if (count === 0n) return "";
  if (count === 1n) return s;
  if (count < 0n) throw new GoError("strings: negative Repeat count");
  const size = BigInt(s.length) * count;
  if (size > 2n ** 63n - 1n) throw new GoError("strings: Repeat output length overflow");
  budget().fits(size);
  return s.repeat(Number(count));
};

/** strings.Replace(s, o, n, -1); "" matches before every rune and at the end. Sized before it is built. */
function replace(o: string, n: string, s: string): string {
  if (o === "") {
    const rs = runes(s);
    budget().fits(s.length + (rs.length + 1) * n.length);
    return rs.reduce((acc, r) => acc + r.bytes + n, n);
  }
  const parts = s.split(o);
  budget().fits(s.length + (parts.length - 1) * (n.length - o.length));
  return parts.join(n);
}

export const stringFuncs: FuncMap = {
  trim: runeWise(fn(["string"], trimSpace)),
  upper: runeWise(fn(["string"], goUpper)),
  lower: runeWise(fn(["string"], goLower)),
  title: runeWise(fn(["string"], title)),
  untitle: runeWise(fn(["string"], untitle)),
  substr: fn(["int", "int", "string"], substr),
  repeat: fn(["int", "string"], repeat),
  trimall: runeWise(fn(["string", "string"], (a: string, b: string) => trimSet(b, a))),
  trimAll: runeWise(fn(["string", "string"], (a: string, b: string) => trimSet(b, a))),
  trimSuffix: fn(["string", "string"], (a: string, b: string) => (a !== "" && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
  trimPrefix: fn(["string", "string"], (a: string, b: string) => (b.startsWith(a) ? b.slice(a.length) : b)),
  nospace: runeWise(fn(["string"], nospace)),
  initials: runeWise(fn(["string"], initials)),
  abbrev: fn(["int", "string"], abbrev),
  abbrevboth: fn(["int", "int", "string"], abbrevboth),
  trunc: fn(["int", "string"], trunc),
  contains: fn(["string", "string"], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: fn(["string", "string"], (sub: string, s: string) => s.startsWith(sub)),
  hasSuffix: fn(["string", "string"], (sub: string, s: string) => s.endsWith(sub)),
  quote: runeWise(fn([], (...v: GoValue[]) => boundedJoin(v.filter((x) => x !== null), " ", (x) => goQuote(strval(x))), "any")),
  squote: fn([], (...v: GoValue[]) => boundedJoin(v.filter((x) => x !== null), " ", (x) => `'${formatValue(x)}'`), "any"),
  cat: fn([], (...v: GoValue[]) => boundedJoin(v.filter((x) => x !== null), " ", (x) => formatValue(x)), "any"),
  indent: fn(["int", "string"], indent),
  nindent: fn(["int", "string"], (n: bigint, v: string) => "\n" + indent(n, v)),
  replace: runeWise(fn(["string", "string", "string"], replace)),
  plural: lookup(fn(["string", "string", "int"], (one: string, many: string, count: bigint) => (count === 1n ? one : many))),
  toString: fn(["any"], strval),
  split: runeWise(fn(["string", "string"], (sep: string, s: string) => indexed(splitGo(s, sep)))),
  splitn: runeWise(fn(["string", "int", "string"], (sep: string, n: bigint, s: string) => indexed(splitGo(s, sep, Number(n))))),
  splitList: runeWise(fn(["string", "string"], (sep: string, s: string) => typedList(splitGo(s, sep), "string"))),
  toStrings: fn(["any"], (v: GoValue) => typedList(strslice(v), "string")),
  join: fn(["string", "any"], (sep: string, v: GoValue) => boundedJoin(strslice(v), sep, (s) => s)),
  sortAlpha: runeWise(fn(["any"], (v: GoValue) => typedList([...(Array.isArray(v) ? strslice(v) : [strval(v)])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), "string"))),
};
