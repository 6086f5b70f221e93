// Sprig's numeric functions: integer arithmetic in int64 (add, sub, mul, div, mod, max, min), floats
// (addf ..., maxf, minf, floor, ceil, round) and conversions (atoi, int, int64, float64, toDecimal).
import { fn, GoError, type FuncMap } from "./func-types.ts";
import { parseGoInt, toFloat64, toInt64 } from "./convert.ts";
import { formatValue } from "./fmt.ts";
import { Int64, type GoValue } from "./values.ts";

const i64 = (v: bigint) => new Int64(v);

function div(a: GoValue, b: GoValue): Int64 {
  const d = toInt64(b);
  if (d === 0n) throw new GoError("runtime error: integer divide by zero");
  return i64(toInt64(a) / d);
}

function mod(a: GoValue, b: GoValue): Int64 {
  const d = toInt64(b);
  if (d === 0n) throw new GoError("runtime error: integer divide by zero");
  return i64(toInt64(a) % d);
}

/** shopspring/decimal as Sprig's addf/subf/mulf/divf use it: each operand is the exact decimal of its
 *  shortest float64 text, the arithmetic is exact (division rounds to 16 places, half away from zero), and
 *  the result is the nearest float64. A decimal is c * 10^e. */
interface Dec {
  c: bigint;
  e: number;
}

function toDec(f: number): Dec {
  if (!Number.isFinite(f)) throw new GoError("Cannot create a Decimal from " + (Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf"));
  const [mant, exp] = f.toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "").replace("-", "");
  const frac = mant.includes(".") ? mant.split(".")[1]!.length : 0;
  return { c: BigInt((f < 0 ? "-" : "") + digits), e: Number(exp) - frac };
}

const align = (a: Dec, b: Dec): [bigint, bigint, number] => {
  const e = Math.min(a.e, b.e);
  return [a.c * 10n ** BigInt(a.e - e), b.c * 10n ** BigInt(b.e - e), e];
};

function decOp(a: Dec, b: Dec, op: "+" | "-" | "*" | "/"): Dec {
  if (op === "*") return { c: a.c * b.c, e: a.e + b.e };
  if (op === "/") {
    if (b.c === 0n) throw new GoError("decimal division by 0");
    // Quotient scaled to 16 decimal places, rounded half away from zero.
    const scale = 16;
    const k = a.e - b.e + scale + 1;
    const num = k >= 0 ? a.c * 10n ** BigInt(k) : a.c;
    const den = k >= 0 ? b.c : b.c * 10n ** BigInt(-k);
    let q = num / den; // scaled by 10^(scale+1), truncated toward zero
    const neg = q < 0n;
    if (neg) q = -q;
    const last = q % 10n;
    q = q / 10n + (last >= 5n ? 1n : 0n);
    return { c: neg ? -q : q, e: -scale };
  }
  const [x, y, e] = align(a, b);
  return { c: op === "+" ? x + y : x - y, e };
}

const decToFloat = (d: Dec): number => Number(`${d.c}e${d.e}`);

function decimalOp(first: GoValue, rest: GoValue[], op: "+" | "-" | "*" | "/"): number {
  let acc = toDec(toFloat64(first));
  for (const r of rest) acc = decOp(acc, toDec(toFloat64(r)), op);
  return decToFloat(acc);
}

function round(a: GoValue, p: bigint, ...opt: number[]): number {
  const roundOn = opt[0] ?? 0.5;
  const val = toFloat64(a);
  const pow = 10 ** Number(p);
  const digit = pow * val;
  const div = digit - Math.trunc(digit);
  const r = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

/** Sprig's toDecimal: strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 when that fails (base 8 takes a sign and the
 *  digits 0-7 only: no prefix, no underscores). */
function toDecimal(v: GoValue): Int64 {
  const s = formatValue(v);
  if (!/^[+-]?[0-7]+$/.test(s)) return i64(0n);
  const n = (s.startsWith("-") ? -1n : 1n) * BigInt(`0o${s.replace(/^[+-]/, "")}`);
  return i64(n > 2n ** 63n - 1n || n < -(2n ** 63n) ? 0n : n);
}

export const mathFuncs: FuncMap = {
  add1: fn(["any"], (a: GoValue) => i64(toInt64(a) + 1n)),
  add: fn([], (...v: GoValue[]) => i64(v.reduce<bigint>((acc, x) => BigInt.asIntN(64, acc + toInt64(x)), 0n)), "any"),
  sub: fn(["any", "any"], (a: GoValue, b: GoValue) => i64(toInt64(a) - toInt64(b))),
  mul: fn(["any"], (a: GoValue, ...v: GoValue[]) => i64(v.reduce<bigint>((acc, x) => BigInt.asIntN(64, acc * toInt64(x)), toInt64(a))), "any"),
  div: fn(["any", "any"], div),
  mod: fn(["any", "any"], mod),
  max: fn(["any"], (a: GoValue, ...v: GoValue[]) => i64(v.map(toInt64).reduce((m, x) => (x > m ? x : m), toInt64(a))), "any"),
  biggest: fn(["any"], (a: GoValue, ...v: GoValue[]) => i64(v.map(toInt64).reduce((m, x) => (x > m ? x : m), toInt64(a))), "any"),
  min: fn(["any"], (a: GoValue, ...v: GoValue[]) => i64(v.map(toInt64).reduce((m, x) => (x < m ? x : m), toInt64(a))), "any"),
  maxf: fn(["any"], (a: GoValue, ...v: GoValue[]) => v.map(toFloat64).reduce((m, x) => Math.max(m, x), toFloat64(a)), "any"),
  minf: fn(["any"], (a: GoValue, ...v: GoValue[]) => v.map(toFloat64).reduce((m, x) => Math.min(m, x), toFloat64(a)), "any"),
  add1f: fn(["any"], (a: GoValue) => decimalOp(a, [1n], "+")),
  addf: fn([], (...v: GoValue[]) => decimalOp(0, v, "+"), "any"),
  subf: fn(["any"], (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, "-"), "any"),
  mulf: fn(["any"], (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, "*"), "any"),
  divf: fn(["any"], (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, "/"), "any"),
  floor: fn(["any"], (a: GoValue) => Math.floor(toFloat64(a))),
  ceil: fn(["any"], (a: GoValue) => Math.ceil(toFloat64(a))),
  round: fn(["any", "int"], round, "float64"),
  atoi: fn(["string"], (s: string) => (/^[+-]?[0-9]+$/.test(s) ? (parseGoInt(s.replace(/^([+-]?)0+(?=\d)/, "$1")) ?? 0n) : 0n)),
  int: fn(["any"], (v: GoValue) => toInt64(v)),
  int64: fn(["any"], (v: GoValue) => i64(toInt64(v))),
  float64: fn(["any"], toFloat64),
  toDecimal: fn(["any"], toDecimal),
};
