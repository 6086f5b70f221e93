// text/template's built-in functions: and, or, not, len, index, print, printf, println, the comparisons,
// html, js and urlquery (call is left out: templates here have no function values).
import { GoError, fn, lookup, runeWise, type FuncMap } from "./func-types.ts";
import { formatValue, sprint, sprintln } from "./fmt.ts";
import { sprintf } from "./fmt-printf.ts";
import { isPrint, runes } from "./gostr.ts";
import { GoMap, GoStruct, goType, intOf, isInt, truth, type GoValue } from "./values.ts";

type Kind = "bool" | "int" | "float" | "string" | "invalid" | "other";
const basicKind = (v: GoValue): Kind =>
  v === null ? "invalid" : typeof v === "boolean" ? "bool" : isInt(v) ? "int" : typeof v === "number" ? "float" : typeof v === "string" ? "string" : "other";

function eq(a: GoValue, ...rest: GoValue[]): boolean {
  if (rest.length === 0) throw new GoError("missing argument for comparison");
  const k1 = basicKind(a);
  for (const b of rest) {
    const k2 = basicKind(b);
    if (k1 !== k2) {
      if (a !== null && b !== null) throw new GoError("incompatible types for comparison");
      continue;
    }
    switch (k1) {
      case "bool": case "float": case "string": if (a === b) return true; break;
      case "int": if (intOf(a as bigint) === intOf(b as bigint)) return true; break;
      case "invalid": return true;
      default:
        if (a instanceof GoStruct && b instanceof GoStruct) {
          if (a.pointer !== b.pointer) throw new GoError(`non-comparable types: ${goType(a)}, ${goType(b)}`);
          if (structEqual(a, b)) return true;
          break;
        }
        throw new GoError(`non-comparable type ${formatValue(a)}: ${goType(a)}`);
    }
  }
  return false;
}

/** Go's == on structs: pointers by identity, struct values of one type field by field (ours hold only
 *  strings and integers, so they are comparable). The error texts name types only: Go's quote the values. */
function structEqual(a: GoStruct, b: GoStruct): boolean {
  if (a.pointer) return a === b;
  if (a.type !== b.type) return false; // interface values of different dynamic types
  return a.values.every((x, i) => {
    const y = b.values[i]!;
    return isInt(x) && isInt(y) ? intOf(x) === intOf(y) : x === y;
  });
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === "invalid" || k2 === "invalid" || k1 === "other" || k2 === "other") throw new GoError("invalid type for comparison");
  if (k1 !== k2) throw new GoError("incompatible types for comparison");
  if (k1 === "bool") throw new GoError("invalid type for comparison");
  if (k1 === "int") return intOf(a as bigint) < intOf(b as bigint);
  return (a as number | string) < (b as number | string);
}

/** The type index and len name: Go's indirect() has followed a pointer first. */
const pointee = (v: GoValue): string => (v instanceof GoStruct && v.pointer ? v.type.name : goType(v));

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  let v = item;
  for (const ix of indexes) {
    if (v === null) throw new GoError("index of untyped nil");
    if (Array.isArray(v) || typeof v === "string") {
      if (ix === null) throw new GoError("cannot index slice/array with nil");
      if (!isInt(ix)) throw new GoError(`cannot index slice/array with type ${goType(ix)}`);
      const i = intOf(ix);
      if (i < 0n || i >= BigInt(v.length)) throw new GoError(`index out of range: ${i}`);
      v = typeof v === "string" ? BigInt(v.charCodeAt(Number(i))) : v[Number(i)]!;
    } else if (v instanceof GoMap) {
      if (typeof ix !== "string") throw new GoError(`value has type ${goType(ix)}; should be string`);
      v = v.m.has(ix) ? v.m.get(ix)! : v.elem === "string" ? "" : null;
    } else throw new GoError(`can't index item of type ${pointee(v)}`);
  }
  return v;
}

function len(v: GoValue): GoValue {
  if (typeof v === "string" || Array.isArray(v)) return BigInt(v.length);
  if (v instanceof GoMap) return BigInt(v.m.size);
  throw new GoError(v === null ? "len of nil pointer" : `len of type ${pointee(v)}`);
}

const evalArgs = (args: GoValue[]): string => (args.length === 1 && typeof args[0] === "string" ? args[0] : sprint(args));

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ "\0": "\xef\xbf\xbd", '"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
}

export function jsEscape(s: string): string {
  let out = "";
  for (const r of runes(s)) {
    const cp = r.ch.codePointAt(0)!;
    if (r.bytes.length === 1 && r.valid) {
      const c = r.bytes;
      const special: Record<string, string> = { "\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D" };
      if (special[c]) out += special[c];
      else if (cp < 0x20) out += `\\u00${cp.toString(16).toUpperCase().padStart(2, "0")}`;
      else out += c;
    } else if (!r.valid || isPrint(r.ch)) out += r.bytes; // an invalid byte decodes to U+FFFD, which is printable
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return out;
}

/** url.QueryEscape over Go bytes. */
export function queryEscape(s: string): string {
  let out = "";
  for (const c of s) {
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

export const builtins: FuncMap = {
  and: fn(["any"], (() => null) as never, "any"),
  or: fn(["any"], (() => null) as never, "any"),
  not: lookup(fn(["any"], (v: GoValue) => !truth(v))),
  len: lookup(fn(["any"], len)),
  index: lookup(fn(["any"], index, "any")),
  print: fn([], (...a: GoValue[]) => sprint(a), "any"),
  printf: runeWise(fn(["string"], (f: string, ...a: GoValue[]) => sprintf(f, a), "any")),
  println: fn([], (...a: GoValue[]) => sprintln(a), "any"),
  eq: fn(["any"], eq, "any"),
  ne: fn(["any", "any"], (a: GoValue, b: GoValue) => !eq(a, b)),
  lt: fn(["any", "any"], lt),
  le: fn(["any", "any"], (a: GoValue, b: GoValue) => lt(a, b) || eq(a, b)),
  gt: fn(["any", "any"], (a: GoValue, b: GoValue) => !lt(a, b) && !eq(a, b)),
  ge: fn(["any", "any"], (a: GoValue, b: GoValue) => !lt(a, b)),
  html: fn([], (...a: GoValue[]) => htmlEscape(evalArgs(a)), "any"),
  js: runeWise(fn([], (...a: GoValue[]) => jsEscape(evalArgs(a)), "any")),
  urlquery: runeWise(fn([], (...a: GoValue[]) => queryEscape(evalArgs(a)), "any")),
};

