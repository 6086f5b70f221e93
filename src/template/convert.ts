// spf13/cast conversions (v1.10, as ESO 2.9 builds Sprig) as Sprig uses them (toInt64, toFloat64, toInt: lenient, 0 on failure) and
// Sprig's strval/strslice (fmt %v of anything, lists flattened to []string without nils).
import { budget } from "./budget.ts";
import { formatValue } from "./fmt.ts";
import { GoMap, GoStruct, GoTime, intOf, isInt, type GoValue } from "./values.ts";

/** spf13/cast v1.10's trimDecimal (ESO 2.9 builds Sprig with it): text of digits with a decimal point keeps its
 *  integer part ("3.999" -> "3", ".5" -> "0", "-." -> "-0"); any other text is left for ParseInt to refuse. */
function trimDecimal(s: string): string {
  if (!s.includes(".")) return s;
  const m = /^([-+]?[0-9]*)(?:\.[0-9]*)?$/.exec(s);
  if (!m) return s;
  const int = m[1]!;
  return int === "" ? "0" : int === "-" || int === "+" ? `${int}0` : int;
}

/** strconv.ParseInt(s, 0, 64) or undefined. */
export function parseGoInt(text: string): bigint | undefined {
  const s = text;
  if (!/^[+-]?(0[xX][0-9a-fA-F](_?[0-9a-fA-F])*|0[bB][01](_?[01])*|0[oO]?[0-7](_?[0-7])*|0|[1-9](_?[0-9])*)$/.test(s)) return undefined;
  const neg = s.startsWith("-");
  let body = s.replace(/^[+-]/, "").replace(/_/g, "");
  if (/^0[0-7]/.test(body)) body = "0o" + body.slice(1);
  const v = neg ? -BigInt(body) : BigInt(body);
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) return undefined;
  return v;
}

export function toInt64(v: GoValue): bigint {
  if (isInt(v)) return BigInt.asIntN(64, intOf(v)); // a uint64 past int64 wraps, as cast's int64(u) does
  if (typeof v === "number") return Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : -(2n ** 63n);
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "string") return parseGoInt(trimDecimal(v)) ?? 0n;
  return 0n;
}

/** strconv.ParseFloat(s, 64) for decimal text and the special names (hex floats, which need a p exponent,
 *  are left out), or undefined. */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  // Go float syntax: underscores only between digits. A constant pattern (ours), run on tenant text: the
  // digits after the point hang off the point, as two optional adjacent digit runs backtrack quadratically.
  const D = "[0-9](?:_?[0-9])*";
  if (new RegExp(`^[+-]?(?:${D}(?:\\.(?:${D})?)?|\\.${D})(?:[eE][+-]?${D})?$`).test(s)) return Number(s.replace(/_/g, ""));
  return undefined;
}

export function toFloat64(v: GoValue): number {
  if (typeof v === "number") return v;
  if (isInt(v)) return Number(intOf(v));
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return parseGoFloat(v) ?? 0;
  return 0;
}

export function strval(v: GoValue): string {
  return typeof v === "string" ? v : formatValue(v);
}

export function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) {
    // Each element printed is checked, and so is their sum: a list of a million shared big lists must not
    // be printed in full before anything looks at the size.
    const b = budget();
    let total = 0;
    return v.filter((item) => item !== null).map((item) => {
      const s = strval(item);
      total += s.length;
      b.fits(total);
      b.work(s.length);
      return s;
    });
  }
  if (v === null) return [];
  return [strval(v)];
}

/** Sprig's empty(): zero values, empty strings/lists/maps. */
export function empty(v: GoValue): boolean {
  if (v === null) return true;
  if (typeof v === "string" || Array.isArray(v)) return v.length === 0;
  if (v instanceof GoMap) return v.m.size === 0;
  if (typeof v === "boolean") return !v;
  if (isInt(v)) return intOf(v) === 0n;
  if (typeof v === "number") return v === 0;
  if (v instanceof GoTime) return false;
  return false;
}

/** reflect.DeepEqual over engine values. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  // A step per pair compared: uniq, has and without compare lists pairwise, and lists nest.
  budget().step();
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a !== typeof b) return false;
  if (isInt(a) && isInt(b)) return (typeof a === "bigint" ? "int" : a.constructor) === (typeof b === "bigint" ? "int" : b.constructor) && intOf(a) === intOf(b);
  // Pointers are deeply equal when what they point to is.
  if (a instanceof GoStruct && b instanceof GoStruct) return a.type === b.type && a.pointer === b.pointer && a.values.every((x, i) => deepEqual(x, b.values[i]!));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (a instanceof GoMap && b instanceof GoMap) {
    return a.elem === b.elem && a.m.size === b.m.size && [...a.m].every(([k, v]) => b.m.has(k) && deepEqual(v, b.m.get(k)!));
  }
  if (a instanceof GoTime && b instanceof GoTime) return a.ms === b.ms;
  return false;
}
