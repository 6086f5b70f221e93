// The Go value model the engine evaluates: strings are binary (see gostr.ts), Go `int` is a bigint,
// `int64` (what Sprig's arithmetic returns) an Int64, float64 a number, maps a GoMap that remembers
// whether it is a map[string]string (the data ESO passes) or a map[string]interface{}; structs (Sprig's
// certificate, semver's Version) are a GoStruct over a StructType that names their fields and methods.
import type { GoFunc } from "./func-types.ts";
import { toBin } from "./gostr.ts";

export class Int64 {
  readonly v: bigint;
  constructor(v: bigint) {
    this.v = BigInt.asIntN(64, v);
  }
}

/** A Go uint64 (semver's Major/Minor/Patch): compares and converts as an integer, prints its own type. */
export class Uint64 {
  readonly v: bigint;
  constructor(v: bigint) {
    this.v = BigInt.asUintN(64, v);
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

/** A Go struct type the engine can hold: what a template may reach with `.Name` and how fmt prints it. */
export interface StructType {
  /** Package-qualified, as %T prints it: "sprig.certificate". */
  readonly name: string;
  /** In declaration order (printing, %+v, JSON); an unexported field prints but cannot be read. */
  readonly fields: readonly { readonly name: string; readonly exported: boolean }[];
  /** Methods with a value receiver (reachable on T and *T); `fn` gets the receiver first. */
  readonly methods?: Readonly<Record<string, GoFunc>>;
  /** Methods with a pointer receiver: reachable only on *T (a returned T is not addressable). */
  readonly pointerMethods?: Readonly<Record<string, GoFunc>>;
  /** Its String method (value receiver): fmt's %v %s %q %x %X print through it. */
  readonly stringer?: (s: GoStruct) => string;
  /** Its MarshalJSON (value receiver), as the value encoding/json writes instead of the fields. */
  readonly json?: (s: GoStruct) => GoValue;
}

/** A struct value, or a pointer to one (`pointer`: Go's *T, shared by every copy of the value). */
export class GoStruct {
  readonly type: StructType;
  readonly values: GoValue[];
  readonly pointer: boolean;
  constructor(type: StructType, values: GoValue[], pointer = false) {
    this.type = type;
    this.values = values;
    this.pointer = pointer;
  }
  get(name: string): GoValue {
    return this.values[this.type.fields.findIndex((f) => f.name === name)] ?? null;
  }
}

export type GoValue = null | string | boolean | bigint | Int64 | Uint64 | number | GoMap | GoList | GoTime | GoStruct;

/** Go compares strings byte-wise; binary strings compare the same way char-wise. */
export const byteCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const typedList = (items: GoValue[], elem: "string" | "int"): GoList => Object.assign(items, { elem });

export function isInt(v: GoValue): v is bigint | Int64 | Uint64 {
  return typeof v === "bigint" || v instanceof Int64 || v instanceof Uint64;
}

export const intOf = (v: bigint | Int64 | Uint64): bigint => (typeof v === "bigint" ? v : v.v);

/** Go's type name of a value, as reflect prints it in error messages and typeOf. */
export function goType(v: GoValue): string {
  if (v === null) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (v instanceof Int64) return "int64";
  if (v instanceof Uint64) return "uint64";
  if (typeof v === "number") return "float64";
  if (v instanceof GoStruct) return v.pointer ? `*${v.type.name}` : v.type.name;
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
  if (v instanceof GoStruct) return v.pointer ? "ptr" : "struct";
  return goType(v);
}

/** text/template's truth: non-zero numbers, non-empty strings/lists/maps, true. */
export function truth(v: GoValue): boolean {
  if (v === null) return false;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "boolean") return v;
  if (typeof v === "bigint") return v !== 0n;
  if (v instanceof Int64 || v instanceof Uint64) return v.v !== 0n;
  if (typeof v === "number") return v !== 0;
  if (v instanceof GoMap) return v.m.size > 0;
  if (v instanceof GoTime || v instanceof GoStruct) return true;
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
