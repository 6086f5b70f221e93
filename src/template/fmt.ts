// Go's fmt for the engine's values: Sprint/Sprintln (print, println, %v) and one operand under a verb
// for Sprintf (fmt-printf.ts): %v %s %d %q %x %X %o %b %c %U %t %f %e %g %T with flags, width and
// precision, and Go's bad-verb form (%!d(string=x)). Anything that can grow past the budget's cap
// (width, precision, lists) is checked before it is built.
import { boundedJoin, budget } from "./budget.ts";
import { formatB, formatE, formatF, formatG, formatX } from "./fmt-number.ts";
import { isPrint, runes, toBin } from "./gostr.ts";
import { GoMap, GoStruct, GoTime, Uint64, goType, intOf, isInt, type GoValue } from "./values.ts";
import { formatTime } from "./funcs-date.ts";

/** strconv.Quote over Go bytes (binary string in, binary string out). */
export function goQuote(bin: string, quote = '"', asciiOnly = false): string {
  let out = quote;
  for (const r of runes(bin)) {
    if (!r.valid) {
      out += `\\x${r.bytes.charCodeAt(0).toString(16).padStart(2, "0")}`;
      continue;
    }
    const ch = r.ch;
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (cp < 0x80 && cp >= 0x20 && cp !== 0x7f) out += ch;
    else if (!asciiOnly && cp >= 0x80 && isPrint(ch)) out += r.bytes;
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\v") out += "\\v";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return out + quote;
}

/** %v of one value (Go's default format), as used by print and by text/template output. */
export function formatValue(v: GoValue, top = true): string {
  if (v === null) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (isInt(v)) return intOf(v).toString();
  if (typeof v === "number") return formatG(v);
  if (v instanceof GoTime) return formatTime(v, "2006-01-02 15:04:05.999999999 -0700 MST");
  if (v instanceof GoMap) return `map[${boundedJoin(v.sortedKeys(), " ", (k) => `${k}:${formatValue(v.m.get(k)!, false)}`)}]`;
  if (v instanceof GoStruct) return v.type.stringer ? v.type.stringer(v) : `${v.pointer && top ? "&" : ""}{${boundedJoin(v.values, " ", (x) => formatValue(x, false))}}`;
  return `[${boundedJoin(v, " ", (item) => formatValue(item, false))}]`;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: GoValue[]): string {
  const space = (i: number) => i > 0 && typeof args[i] !== "string" && typeof args[i - 1] !== "string";
  return boundedJoin(args.keys(), "", (i) => (space(i) ? " " : "") + formatValue(args[i]!));
}

export const sprintln = (args: GoValue[]): string => boundedJoin(args, " ", (arg) => formatValue(arg)) + "\n";

export interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  /** %#v (Go syntax) and %+v: set only when the verb itself is v, as fmt does. */
  sharpV?: boolean;
  plusV?: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function pad(s: string, spec: Spec, numeric = false): string {
  const width = spec.width ?? 0;
  if (s.length >= width) return s; // never more runes than bytes
  const len = runes(s).length; // Go measures width in runes
  if (len >= width) return s;
  budget().fits(width);
  const fill = width - len;
  if (spec.minus) return s + " ".repeat(fill);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : "";
    return sign + "0".repeat(fill) + s.slice(sign.length);
  }
  if (spec.zero && !numeric) return "0".repeat(fill) + s;
  return " ".repeat(fill) + s;
}

/** fmt's badVerb: the operand printed with %v under the same flags, width and precision. */
const bad = (verb: string, v: GoValue, spec: Spec): string => (v === null ? `%!${verb}(<nil>)` : `%!${verb}(${goType(v)}=${fmtOne(v, "v", spec)})`);

/** Digits left-padded with zeros to a precision (fmt accepts up to a million; the cap is checked first). */
function zeroPad(digits: string, prec: number): string {
  if (prec > digits.length) budget().fits(prec);
  return digits.padStart(prec, "0");
}

/** A rune for %c/%q: invalid code points (negative, surrogates, > U+10FFFF) print as U+FFFD. */
function runeOf(n: bigint): string {
  const valid = n >= 0n && n <= 0x10ffffn && !(n >= 0xd800n && n < 0xe000n);
  return toBin(valid ? String.fromCodePoint(Number(n)) : "\ufffd");
}

function fmtInt(n: bigint, verb: string, spec: Spec): string | undefined {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let body: string;
  let prefix = "";
  switch (verb) {
    case "d": case "v": body = abs.toString(); break;
    case "x": body = abs.toString(16); if (spec.sharp) prefix = "0x"; break;
    case "X": body = abs.toString(16).toUpperCase(); if (spec.sharp) prefix = "0X"; break;
    case "o": body = abs.toString(8); break;
    case "O": body = abs.toString(8); prefix = "0o"; break;
    case "b": body = abs.toString(2); if (spec.sharp) prefix = "0b"; break;
    case "c": return pad(runeOf(n), spec);
    case "q": return pad(goQuote(runeOf(n), "'", spec.plus), spec);
    case "U": {
      // Go prints the operand as uint64 (negative numbers wrap), at least 4 hex digits or the precision;
      // %#U adds the quoted character when it is printable; the padding is always spaces.
      const u = BigInt.asUintN(64, n).toString(16).toUpperCase();
      const ch = n >= 0n && n <= 0x10ffffn ? String.fromCodePoint(Number(n)) : "";
      const quoted = spec.sharp && ch && isPrint(ch) ? ` '${toBin(ch)}'` : "";
      return pad(`U+${zeroPad(u, Math.max(4, spec.prec ?? 0))}${quoted}`, { ...spec, zero: false });
    }
    default: return undefined;
  }
  if (spec.prec !== undefined) body = spec.prec === 0 && n === 0n ? "" : zeroPad(body, spec.prec);
  if (verb === "o" && spec.sharp && !body.startsWith("0")) body = "0" + body;
  const sign = neg ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  return pad(sign + prefix + body, { ...spec, zero: spec.zero && spec.prec === undefined && !spec.minus }, true);
}

/** fmt's # for floats: always a decimal point; %g/%v keep trailing zeros up to the precision (6 by default). */
function sharpFloat(num: string, verb: string, prec: number): string {
  if (!/^[-+]?[0-9.]/.test(num)) return num; // Inf, NaN
  let digits = "vgGxX".includes(verb) ? (prec === -1 ? 6 : prec) : 0;
  const sign = /^[-+]/.test(num) ? num[0]! : "";
  let body = num.slice(sign.length);
  let tail = "";
  const cut = verb === "x" || verb === "X" ? body.search(/[pP]/) : body.search(/[eEpP]/);
  if (cut >= 0) {
    tail = body.slice(cut);
    body = body.slice(0, cut);
  }
  let sawNonzero = false;
  for (const ch of body) {
    if (ch === ".") continue;
    if (ch !== "0") sawNonzero = true;
    if (sawNonzero) digits--;
  }
  if (!body.includes(".")) {
    if (body === "0") digits--;
    body += ".";
  }
  if (digits > 0) {
    budget().fits(digits);
    body += "0".repeat(digits);
  }
  return sign + body + tail;
}

function fmtFloat(f: number, verb: string, spec: Spec): string | undefined {
  // %e %f %x print at least `precision` digits (%g only drops them): refuse one beyond the cap up front.
  if (spec.prec !== undefined && "eEfFxX".includes(verb)) budget().fits(spec.prec);
  let body: string;
  switch (verb) {
    case "v": case "g": body = formatG(f, spec.prec ?? -1); break;
    case "G": body = formatG(f, spec.prec ?? -1, true); break;
    case "e": body = formatE(f, spec.prec ?? 6); break;
    case "E": body = formatE(f, spec.prec ?? 6, true); break;
    case "f": case "F": body = formatF(f, spec.prec ?? 6); break;
    case "x": case "X": body = formatX(f, spec.prec ?? -1, verb === "X"); break;
    case "b": body = formatB(f); break;
    default: return undefined;
  }
  if (spec.sharp && verb !== "b") body = sharpFloat(body, verb, spec.prec ?? -1);
  if (spec.plus && !body.startsWith("-") && !body.startsWith("+")) body = "+" + body;
  else if (spec.space && !body.startsWith("-")) body = " " + body;
  if (body === "+Inf" && !spec.plus) body = "+Inf";
  return pad(body, { ...spec, zero: spec.zero && !spec.minus && Number.isFinite(f) }, true);
}

function fmtString(s: string, verb: string, spec: Spec): string | undefined {
  let t = s;
  // Precision counts runes for %s/%v/%q and input bytes for %x/%X.
  if (spec.prec !== undefined && (verb === "s" || verb === "v" || verb === "q")) t = runes(t).slice(0, spec.prec).map((r) => r.bytes).join("");
  if (spec.prec !== undefined && (verb === "x" || verb === "X")) t = t.slice(0, spec.prec);
  switch (verb) {
    case "v": return pad(spec.sharpV ? goQuote(t) : t, spec); // %#v is Go syntax: a quoted string
    case "s": return pad(t, spec);
    case "q": return pad(spec.sharp && !t.includes("`") ? "`" + t + "`" : goQuote(t, '"', spec.plus), spec);
    case "x": case "X": {
      if (t === "") return pad("", spec);
      const prefix = spec.sharp ? (verb === "X" ? "0X" : "0x") : "";
      budget().fits(t.length * (2 + (spec.space ? 1 + prefix.length : 0)) + prefix.length);
      const bytes = [...Buffer.from(t, "latin1")].map((b) => b.toString(16).padStart(2, "0")).map((h) => (verb === "X" ? h.toUpperCase() : h));
      // "% x" separates the bytes (each with its own 0x under #).
      const out = spec.space ? bytes.map((h) => prefix + h).join(" ") : prefix + bytes.join("");
      return pad(out, spec);
    }
    default: return undefined;
  }
}

/** %#v of a map or list: Go syntax, e.g. map[string]interface {}{"k":1} and []interface {}{1, "a"}. */
function goSyntax(v: GoMap | GoValue[], spec: Spec): string {
  const item = (x: GoValue): string => (x === null ? "interface {}(nil)" : fmtOne(x, "v", spec));
  if (v instanceof GoMap) return `${goType(v)}{${boundedJoin(v.sortedKeys(), ", ", (k) => `${fmtOne(k, "v", spec)}:${item(v.m.get(k)!)}`)}}`;
  return `${goType(v)}{${boundedJoin(v, ", ", item)}}`;
}

/** One operand under one verb; undefined from a helper means the verb does not apply (a %!verb(...) error). */
export function fmtOne(v: GoValue, verb: string, spec: Spec): string {
  if (verb === "T") return v === null ? pad("<nil>", spec) : fmtString(goType(v), "s", spec)!;
  if (verb === "v" && spec.sharpV && (v instanceof GoMap || Array.isArray(v))) return goSyntax(v, spec);
  if (v === null) return verb === "v" ? pad("<nil>", spec) : bad(verb, v, spec);
  if (typeof v === "boolean") return verb === "v" || verb === "t" ? pad(v ? "true" : "false", spec) : bad(verb, v, spec);
  if (v instanceof Uint64 && spec.sharpV) return pad(`0x${v.v.toString(16)}`, spec); // %#v prints unsigned integers in hex
  if (isInt(v)) return (verb !== "s" ? fmtInt(intOf(v), verb, spec) : undefined) ?? bad(verb, v, spec);
  if (typeof v === "number") return fmtFloat(v, verb, spec) ?? bad(verb, v, spec);
  if (typeof v === "string") return fmtString(v, verb, spec) ?? bad(verb, v, spec);
  if (v instanceof GoTime) return verb === "v" || verb === "s" ? pad(formatValue(v), spec) : bad(verb, v, spec);
  if (v instanceof GoStruct) return fmtStruct(v, verb, spec);
  if (v instanceof GoMap) return `map[${boundedJoin(v.sortedKeys(), " ", (k) => `${fmtOne(k, verb, spec)}:${fmtOne(v.m.get(k)!, verb, spec)}`)}]`;
  if (Array.isArray(v)) return `[${boundedJoin(v, " ", (item) => fmtOne(item, verb, spec))}]`;
  return bad(verb, v, spec);
}

/** A struct under a verb: through its String method for the string verbs (fmt's handleMethods), else field by
 *  field, `{a b}`, `{Name:a}` under %+v, `pkg.T{Name:"a"}` under %#v, with `&` before a pointer's. */
function fmtStruct(v: GoStruct, verb: string, spec: Spec): string {
  if (v.type.stringer && !spec.sharpV && "vsxXq".includes(verb)) return fmtString(v.type.stringer(v), verb, spec)!;
  const named = spec.sharpV || spec.plusV;
  const fields = boundedJoin(v.type.fields.keys(), spec.sharpV ? ", " : " ", (i) => `${named ? `${v.type.fields[i]!.name}:` : ""}${fmtOne(v.values[i]!, verb, spec)}`);
  return `${v.pointer ? "&" : ""}${spec.sharpV ? v.type.name : ""}{${fields}}`;
}
