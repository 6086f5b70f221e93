// The Go value model the engine evaluates: strings are binary (see gostr.ts), Go `int` is a bigint,
// `int64` (what Sprig's arithmetic returns) an Int64, float64 a number, maps a GoMap that remembers
// whether it is a map[string]string (the data ESO passes) or a map[string]interface{}.
import { toBin } from "./gostr.ts";

export class Int64 {
  readonly v: bigint;
  constructor(v: bigint) {
    this.v = BigInt.asIntN(64, v);
  }
}

export class GoTime {
  /** Milliseconds since the epoch (UTC). */
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
}

export type MapElem = "any" | "string";

export class GoMap {
  readonly m: Map<string, GoValue>;
  readonly elem: MapElem;
  constructor(entries?: Iterable<[string, GoValue]>, elem: MapElem = "any") {
    this.m = new Map(entries ?? []);
    this.elem = elem;
  }
  sortedKeys(): string[] {
    return [...this.m.keys()].sort(byteCompare);
  }
}

/** A list; `elem` tells a []string or []int from a []interface{} (only typeOf and validation care). */
export type GoList = GoValue[] & { elem?: "string" | "int" };

export type GoValue = null | string | boolean | bigint | Int64 | number | GoMap | GoList | GoTime;

/** Go compares strings byte-wise; binary strings compare the same way char-wise. */
export const byteCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const typedList = (items: GoValue[], elem: "string" | "int"): GoList => Object.assign(items, { elem });

export function isInt(v: GoValue): v is bigint | Int64 {
  return typeof v === "bigint" || v instanceof Int64;
}

export const intOf = (v: bigint | Int64): bigint => (typeof v === "bigint" ? v : v.v);

/** Go's type name of a value, as reflect prints it in error messages and typeOf. */
export function goType(v: GoValue): string {
  if (v === null) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (v instanceof Int64) return "int64";
  if (typeof v === "number") return "float64";
  if (v instanceof GoMap) return v.elem === "string" ? "map[string]string" : "map[string]interface {}";
  if (v instanceof GoTime) return "time.Time";
  return v.elem === "string" ? "[]string" : v.elem === "int" ? "[]int" : "[]interface {}";
}

/** Go's reflect Kind name (kindOf). */
export function goKind(v: GoValue): string {
  if (v === null) return "invalid";
  if (v instanceof GoMap) return "map";
  if (Array.isArray(v)) return "slice";
  if (v instanceof GoTime) return "struct";
  return goType(v);
}

/** text/template's truth: non-zero numbers, non-empty strings/lists/maps, true. */
export function truth(v: GoValue): boolean {
  if (v === null) return false;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "boolean") return v;
  if (typeof v === "bigint") return v !== 0n;
  if (v instanceof Int64) return v.v !== 0n;
  if (typeof v === "number") return v !== 0;
  if (v instanceof GoMap) return v.m.size > 0;
  if (v instanceof GoTime) return true;
  return v.length > 0;
}

/** Converts plain JSON-ish JS data (from fromJson/fromYaml) into Go values; numbers are float64 as in encoding/json. */
export function fromPlain(v: unknown, intsStay = false): GoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return toBin(v);
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return intsStay && Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === "bigint") return v;
  if (Array.isArray(v)) return v.map((item) => fromPlain(item, intsStay));
  if (typeof v === "object") return new GoMap(Object.entries(v as Record<string, unknown>).map(([k, item]) => [toBin(k), fromPlain(item, intsStay)]));
  return null;
}
