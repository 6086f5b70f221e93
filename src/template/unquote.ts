// strconv.Unquote and number literals for the parser: Go string, raw string and char constants
// (results are binary Go strings) and Go's integer/float literal forms.
import { TemplateSyntaxError } from "./lexer.ts";
import { fromBin, toBin } from "./gostr.ts";

const SIMPLE: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/** Unquotes a "..." or '...' literal whose body is Go bytes; returns Go bytes. */
export function unquote(lit: string, line: number): string {
  const quote = lit[0]!;
  if (quote === "`") return lit.slice(1, -1).replace(/\r/g, "");
  const body = lit.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new TemplateSyntaxError("invalid syntax", line);
    if (e in SIMPLE) out += SIMPLE[e];
    else if (e === quote) out += e;
    else if (e === "x") {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new TemplateSyntaxError("invalid syntax", line);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 2;
    } else if (e === "u" || e === "U") {
      const n = e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      // n is 4 or 8: our own pattern, not the template's.
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new TemplateSyntaxError("invalid syntax", line);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw new TemplateSyntaxError("invalid syntax", line);
      out += toBin(String.fromCodePoint(cp));
      i += n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new TemplateSyntaxError("invalid syntax", line);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new TemplateSyntaxError("invalid syntax", line);
  }
  if (quote === "'") {
    const chars = [...fromBin(out)];
    if (chars.length !== 1) throw new TemplateSyntaxError(`malformed character constant: ${lit}`, line);
  }
  return out;
}

export interface NumberValue {
  int: bigint | undefined;
  float: number | undefined;
}

const INT = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|0[0-7_]*|[1-9][0-9_]*)$/;

export function parseNumber(text: string, line: number): NumberValue {
  if (text.endsWith("i")) throw new TemplateSyntaxError(`complex numbers are not supported: ${text}`, line);
  const clean = text.replace(/_/g, "");
  const neg = clean.startsWith("-");
  const unsigned = clean.replace(/^[+-]/, "");
  if (INT.test(text)) {
    let v: bigint;
    if (/^0[oO]/.test(unsigned)) v = BigInt("0o" + unsigned.slice(2));
    else if (/^0[0-7]+$/.test(unsigned)) v = BigInt("0o" + unsigned.slice(1));
    else v = BigInt(unsigned);
    if (neg) v = -v;
    if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) throw new TemplateSyntaxError(`integer overflow: ${text}`, line);
    return { int: v, float: Number(v) };
  }
  if (/^0[xX]/.test(unsigned)) throw new TemplateSyntaxError(`hexadecimal floats are not supported: ${text}`, line);
  const f = Number(clean);
  // Fraction digits hang off the point: `[0-9]+\.?[0-9]*` backtracks quadratically on a long digit run.
  if (!/^[+-]?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(clean) || Number.isNaN(f)) throw new TemplateSyntaxError(`illegal number syntax: ${JSON.stringify(text)}`, line);
  const isInt = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
  return { int: isInt ? BigInt(f) : undefined, float: f };
}
