// Sprig's numeric functions: integer arithmetic in int64 (add, sub, mul, div, mod, max, min), floats
// (addf ..., maxf, minf, floor, ceil, round) and conversions (atoi, int, int64, float64, toDecimal).
import { fn, GoError, type FuncMap } from "./func-types.ts";
import { parseGoInt, toFloat64, toInt64 } from "./convert.ts";
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

/** Sprig's float ops go through shopspring/decimal; for the sums and products templates use, the
 *  float64 of the exact decimal result equals rounding the decimal string. */
function decimalOp(first: GoValue, rest: GoValue[], op: (a: number, b: number) => number): number {
  let acc = toFloat64(first);
  for (const r of rest) acc = op(acc, toFloat64(r));
  return Number(acc.toPrecision(15));
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
  add1f: fn(["any"], (a: GoValue) => decimalOp(a, [1n], (x, y) => x + y)),
  addf: fn([], (...v: GoValue[]) => decimalOp(0, v, (x, y) => x + y), "any"),
  subf: fn(["any"], (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, (x, y) => x - y), "any"),
  mulf: fn(["any"], (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, (x, y) => x * y), "any"),
  divf: fn(["any"], (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, (x, y) => x / y), "any"),
  floor: fn(["any"], (a: GoValue) => Math.floor(toFloat64(a))),
  ceil: fn(["any"], (a: GoValue) => Math.ceil(toFloat64(a))),
  round: fn(["any", "int"], round, "float64"),
  atoi: fn(["string"], (s: string) => (/^[+-]?[0-9]+$/.test(s) ? (parseGoInt(s.replace(/^([+-]?)0+(?=\d)/, "$1")) ?? 0n) : 0n)),
  int: fn(["any"], (v: GoValue) => toInt64(v)),
  int64: fn(["any"], (v: GoValue) => i64(toInt64(v))),
  float64: fn(["any"], toFloat64),
};
