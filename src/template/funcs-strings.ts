// Sprig's string functions, byte-exact with Go: trim/upper/lower/title, substr/trunc (byte offsets),
// quote/squote, indent/nindent, replace, repeat, contains/hasPrefix, cat, split/splitList/join, plural...
import { fn, GoError, type FuncMap } from "./func-types.ts";
import { goQuote } from "./fmt.ts";
import { strslice, strval } from "./convert.ts";
import { fromBin, toBin, viaUnicode } from "./gostr.ts";
import { GoMap, typedList, type GoValue } from "./values.ts";
import { formatValue } from "./fmt.ts";

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/gu;
const trimSpace = (s: string): string => viaUnicode(s, (t) => t.replace(GO_SPACE, ""));

/** strings.Trim(s, cutset): strips any rune of cutset from both ends. */
function trimSet(s: string, cutset: string, left = true, right = true): string {
  const set = new Set(fromBin(cutset));
  const chars = [...fromBin(s)];
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && set.has(chars[a]!)) a++;
  if (right) while (b > a && set.has(chars[b - 1]!)) b--;
  return toBin(chars.slice(a, b).join(""));
}

/** strings.Title: upper-cases the first letter of each word (words split at non-letter/digit/_ runes). */
function title(s: string): string {
  return viaUnicode(s, (t) => {
    let prev = " ";
    let out = "";
    for (const ch of t) {
      const sep = !/[\p{L}\p{N}_]/u.test(prev) && !/[\p{Mn}]/u.test(prev);
      out += sep ? ch.toUpperCase() : ch;
      prev = ch;
    }
    return out;
  });
}

/** goutils.Uncapitalize: lower-cases the first letter of each whitespace-separated word. */
const untitle = (s: string): string => viaUnicode(s, (t) => t.replace(/(^|\s)(\S)/gu, (_m, sp: string, ch: string) => sp + ch.toLowerCase()));

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
  const pad = " ".repeat(Number(spaces));
  return pad + v.split("\n").join("\n" + pad);
};

function splitGo(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === "") {
    const parts = [...fromBin(s)].map(toBin);
    if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join("")];
    return parts;
  }
  const parts = s.split(sep);
  if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}

const indexed = (parts: string[]): GoMap => new GoMap(parts.map((p, i) => [`_${i}`, p]), "string");

const repeat = (count: bigint, s: string): string => {
  if (count < 0n) throw new GoError("strings: negative Repeat count");
  return s.repeat(Number(count));
};

export const stringFuncs: FuncMap = {
  trim: fn(["string"], trimSpace),
  upper: fn(["string"], (s: string) => viaUnicode(s, (t) => t.toUpperCase())),
  lower: fn(["string"], (s: string) => viaUnicode(s, (t) => t.toLowerCase())),
  title: fn(["string"], title),
  untitle: fn(["string"], untitle),
  substr: fn(["int", "int", "string"], substr),
  repeat: fn(["int", "string"], repeat),
  trimall: fn(["string", "string"], (a: string, b: string) => trimSet(b, a)),
  trimAll: fn(["string", "string"], (a: string, b: string) => trimSet(b, a)),
  trimSuffix: fn(["string", "string"], (a: string, b: string) => (a !== "" && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
  trimPrefix: fn(["string", "string"], (a: string, b: string) => (b.startsWith(a) ? b.slice(a.length) : b)),
  nospace: fn(["string"], (s: string) => viaUnicode(s, (t) => t.replace(/\s/gu, ""))),
  initials: fn(["string"], initials),
  abbrev: fn(["int", "string"], abbrev),
  abbrevboth: fn(["int", "int", "string"], abbrevboth),
  trunc: fn(["int", "string"], trunc),
  contains: fn(["string", "string"], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: fn(["string", "string"], (sub: string, s: string) => s.startsWith(sub)),
  hasSuffix: fn(["string", "string"], (sub: string, s: string) => s.endsWith(sub)),
  quote: fn([], (...v: GoValue[]) => v.filter((x) => x !== null).map((x) => goQuote(strval(x))).join(" "), "any"),
  squote: fn([], (...v: GoValue[]) => v.filter((x) => x !== null).map((x) => `'${formatValue(x)}'`).join(" "), "any"),
  cat: fn([], (...v: GoValue[]) => v.filter((x) => x !== null).map((x) => formatValue(x)).join(" "), "any"),
  indent: fn(["int", "string"], indent),
  nindent: fn(["int", "string"], (n: bigint, v: string) => "\n" + indent(n, v)),
  replace: fn(["string", "string", "string"], (o: string, n: string, s: string) => (o === "" ? splitGo(s, "").reduce((acc, ch) => acc + ch + n, n) : s.split(o).join(n))),
  plural: fn(["string", "string", "int"], (one: string, many: string, count: bigint) => (count === 1n ? one : many)),
  toString: fn(["any"], strval),
  split: fn(["string", "string"], (sep: string, s: string) => indexed(splitGo(s, sep))),
  splitn: fn(["string", "int", "string"], (sep: string, n: bigint, s: string) => indexed(splitGo(s, sep, Number(n)))),
  splitList: fn(["string", "string"], (sep: string, s: string) => typedList(splitGo(s, sep), "string")),
  toStrings: fn(["any"], (v: GoValue) => typedList(strslice(v), "string")),
  join: fn(["string", "any"], (sep: string, v: GoValue) => strslice(v).join(sep)),
  sortAlpha: fn(["any"], (v: GoValue) => typedList([...(Array.isArray(v) ? strslice(v) : [strval(v)])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), "string")),
};
