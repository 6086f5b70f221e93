// Sprig's regexp functions over Go RE2 syntax translated to JavaScript (named groups (?P<n>), leading
// flag groups, \A \z), with Go's replacement expansion ($1, ${1}, $name: the longest name wins).
import { fn, GoError, type FuncMap } from "./func-types.ts";
import { decodeWithOffsets, fromBin, toBin } from "./gostr.ts";
import { typedList } from "./values.ts";

export function goRegExp(src: string, global = true): RegExp {
  let pattern = fromBin(src);
  let flags = global ? "gu" : "u";
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1]!) if (f !== "U" && !flags.includes(f)) flags += f;
    pattern = pattern.slice(lead[0].length);
  }
  pattern = pattern.replace(/\(\?P</g, "(?<").replace(/\\A/g, "^").replace(/\\z/g, "$(?![\\s\\S])");
  if (/\\[1-9]/.test(pattern)) throw new GoError(`error parsing regexp: invalid escape sequence`);
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    throw new GoError(`error parsing regexp: ${err instanceof Error ? err.message : "invalid"}`);
  }
}

/** regexp.Expand: $name / ${name}, $$ -> $. */
function expand(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([^}]*)\}|([A-Za-z0-9_]+))/g, (whole, _all: string, braced: string | undefined, bare: string | undefined) => {
    if (whole === "$$") return "$";
    const name = braced ?? bare ?? "";
    if (braced !== undefined && !/^[A-Za-z0-9_]+$/.test(braced)) return whole;
    if (/^[0-9]+$/.test(name)) return match[Number(name)] ?? "";
    return match.groups?.[name] ?? "";
  });
}

/** Every match as [start, end] UTF-16 indexes, with Go's rule: an empty match right after the previous
 *  match is dropped, and the search always advances by at least one rune. */
function matchIndexes(re: RegExp, text: string, n: bigint): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let prevEnd = -1;
  re.lastIndex = 0;
  while (n < 0n || out.length < Number(n)) {
    const m = re.exec(text);
    if (!m) break;
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      if (m.index !== prevEnd) out.push(m);
      const cp = text.codePointAt(m.index);
      if (cp === undefined) break;
      re.lastIndex = m.index + (cp > 0xffff ? 2 : 1);
    } else out.push(m);
    prevEnd = end;
  }
  return out;
}

export function replaceAll(re: RegExp, s: string, repl: string, literal: boolean): string {
  const { text, offsets } = decodeWithOffsets(s);
  const cut = (a: number, b: number) => s.slice(offsets[a]!, offsets[b]!);
  const tpl = fromBin(repl);
  let out = "";
  let last = 0;
  for (const m of matchIndexes(re, text, -1n)) {
    const end = m.index + m[0].length;
    out += cut(last, m.index) + (literal ? repl : toBin(expand(tpl, m)));
    last = end;
  }
  return out + cut(last, text.length);
}

function findAll(re: RegExp, s: string, n: bigint): string[] {
  const { text, offsets } = decodeWithOffsets(s);
  return matchIndexes(re, text, n).map((m) => s.slice(offsets[m.index]!, offsets[m.index + m[0].length]!));
}

/** regexp.Split. */
function split(re: RegExp, s: string, n: bigint): string[] {
  if (n === 0n) return [];
  const { text, offsets } = decodeWithOffsets(s);
  if (re.source.length > 0 && text.length === 0) return [""];
  const cut = (a: number, b: number) => s.slice(offsets[a]!, offsets[b]!);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matchIndexes(re, text, n)) {
    if (n > 0n && out.length === Number(n) - 1) break;
    end = m.index;
    const mEnd = m.index + m[0].length;
    if (mEnd !== 0) out.push(cut(beg, end));
    beg = mEnd;
  }
  if (end !== text.length) out.push(cut(beg, text.length));
  return out;
}

const lenient = <T>(f: () => T, fallback: T): T => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

export const regexFuncs: FuncMap = {
  regexMatch: fn(["string", "string"], (re: string, s: string) => lenient(() => goRegExp(re, false).test(fromBin(s)), false)),
  mustRegexMatch: fn(["string", "string"], (re: string, s: string) => goRegExp(re, false).test(fromBin(s))),
  regexFindAll: fn(["string", "string", "int"], (re: string, s: string, n: bigint) => typedList(findAll(goRegExp(re), s, n), "string")),
  mustRegexFindAll: fn(["string", "string", "int"], (re: string, s: string, n: bigint) => typedList(findAll(goRegExp(re), s, n), "string")),
  regexFind: fn(["string", "string"], (re: string, s: string) => findAll(goRegExp(re), s, 1n)[0] ?? ""),
  mustRegexFind: fn(["string", "string"], (re: string, s: string) => findAll(goRegExp(re), s, 1n)[0] ?? ""),
  regexReplaceAll: fn(["string", "string", "string"], (re: string, s: string, r: string) => replaceAll(goRegExp(re), s, r, false)),
  mustRegexReplaceAll: fn(["string", "string", "string"], (re: string, s: string, r: string) => replaceAll(goRegExp(re), s, r, false)),
  regexReplaceAllLiteral: fn(["string", "string", "string"], (re: string, s: string, r: string) => replaceAll(goRegExp(re), s, r, true)),
  mustRegexReplaceAllLiteral: fn(["string", "string", "string"], (re: string, s: string, r: string) => replaceAll(goRegExp(re), s, r, true)),
  regexSplit: fn(["string", "string", "int"], (re: string, s: string, n: bigint) => typedList(split(goRegExp(re), s, n), "string")),
  mustRegexSplit: fn(["string", "string", "int"], (re: string, s: string, n: bigint) => typedList(split(goRegExp(re), s, n), "string")),
  regexQuoteMeta: fn(["string"], (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")),
};
