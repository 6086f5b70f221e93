// Sprig's dict functions (dict, get, set, unset, hasKey, pluck, keys, values, pick, omit, merge,
// mergeOverwrite and their must forms, dig, deepCopy, mustDeepCopy) and the defaults family (default, empty, coalesce, all, any, ternary).
import { budget, entryMade, heapOf } from "./budget.ts";
import { fn, GoError, lookup, type FuncMap, type GoFunc } from "./func-types.ts";
import { deepEqual, empty, strval } from "./convert.ts";
import { GoMap, GoStruct, Uint64, goType, typedList, type GoValue } from "./values.ts";

/** A nil map (from a JSON null or nil) reads as empty and panics on write, as in Go. */
const readable = (d: GoValue): GoMap => (d instanceof GoMap ? d : new GoMap());
function writable(d: GoValue): GoMap {
  if (d instanceof GoMap) return d;
  throw new GoError("assignment to entry in nil map");
}

function dict(...v: GoValue[]): GoMap {
  const out = new GoMap();
  for (let i = 0; i < v.length; i += 2) out.m.set(strval(v[i]!), i + 1 < v.length ? v[i + 1]! : "");
  return out;
}

export function deepCopy(v: GoValue): GoValue {
  // A step per value copied, and its heap: lists built from themselves share their parts, and a copy
  // unshares them.
  budget().step();
  budget().alloc(heapOf(v));
  if (v instanceof GoMap) return new GoMap([...v.m].map(([k, x]) => [k, deepCopy(x)]), v.elem);
  if (Array.isArray(v)) return Object.assign(v.map(deepCopy), v.elem ? { elem: v.elem } : {});
  if (v instanceof GoStruct) return copyStruct(v);
  return v;
}

/** copystructure's copy of a struct (or a new pointer to one): it cannot set unexported fields, so they come
 *  out as zero values (a copied *semver.Version is 0.0.0, as in Go). */
function copyStruct(v: GoStruct): GoStruct {
  const zero = (x: GoValue): GoValue => (x instanceof Uint64 ? new Uint64(0n) : typeof x === "string" ? "" : null);
  return new GoStruct(v.type, v.values.map((x, i) => (v.type.fields[i]!.exported ? deepCopy(x) : zero(x))), v.pointer);
}

/** mergo.Merge (overwrite=false) / MergeWithOverwrite for map[string]interface{}: nested maps merge deeply. */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [k, sv] of src.m) {
    budget().step();
    if (sv === null && !overwrite) continue; // mergo skips nil sources unless overwriting
    const dv = dst.m.get(k);
    if (dv instanceof GoMap && sv instanceof GoMap) {
      mergeInto(dv, sv, overwrite);
    } else if (!dst.m.has(k) || empty(dv ?? null)) {
      if (!empty(sv) || !dst.m.has(k)) dst.m.set(k, sv);
    } else if (overwrite && !empty(sv)) {
      dst.m.set(k, sv);
    }
  }
}

function dig(...args: GoValue[]): GoValue {
  if (args.length < 3) throw new GoError(`wrong number of args for dig`);
  const dictArg = args[args.length - 1]!;
  const def = args[args.length - 2]!;
  const keys = args.slice(0, -2);
  let cur: GoValue = dictArg;
  if (!(cur instanceof GoMap) || cur.elem !== "any") throw new GoError(`interface conversion: interface {} is ${cur === null ? "nil" : goType(cur)}, not map[string]interface {}`);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== "string") throw new GoError(`interface conversion: interface {} is ${key === null ? "nil" : goType(key ?? null)}, not string`);
    if (!(cur instanceof GoMap) || !cur.m.has(key)) return def;
    const next: GoValue = cur.m.get(key)!;
    if (i === keys.length - 1) return next;
    if (!(next instanceof GoMap) || next.elem !== "any") throw new GoError(`interface conversion: interface {} is ${next === null ? "nil" : goType(next)}, not map[string]interface {}`);
    cur = next;
  }
  return def;
}

/** copystructure.Copy as Sprig calls it: nil itself cannot be copied (reflect panics on it). */
function copyValue(v: GoValue): GoValue {
  if (v === null) throw new GoError("reflect: call of reflect.Value.Type on zero Value");
  return deepCopy(v);
}

/** merge / mergeOverwrite: every source merged into dst, which is returned. */
const merging = (overwrite: boolean): GoFunc =>
  fn(["map"], (d: GoValue, ...srcs: GoValue[]) => {
    const dst = writable(d);
    for (const s of srcs) mergeInto(dst, readable(s), overwrite);
    return dst;
  }, "map");

export const dictFuncs: FuncMap = {
  dict: fn([], dict, "any"),
  get: lookup(fn(["map", "string"], (d: GoValue, k: string) => (readable(d).m.has(k) ? readable(d).m.get(k)! : ""))),
  set: lookup(fn(["map", "string", "any"], (d: GoValue, k: string, v: GoValue) => {
    if (!writable(d).m.has(k)) entryMade();
    writable(d).m.set(k, v);
    return d;
  })),
  unset: lookup(fn(["map", "string"], (d: GoValue, k: string) => (readable(d).m.delete(k), d))),
  hasKey: lookup(fn(["map", "string"], (d: GoValue, k: string) => readable(d).m.has(k))),
  pluck: fn(["string"], (k: string, ...ds: GoValue[]) => ds.filter((d) => readable(d).m.has(k)).map((d) => readable(d).m.get(k)!), "map"),
  keys: fn([], (...ds: GoValue[]) => typedList(ds.flatMap((d) => [...readable(d).m.keys()]), "string"), "map"),
  values: fn(["map"], (d: GoValue) => [...readable(d).m.values()]),
  pick: fn(["map"], (d: GoValue, ...ks: string[]) => new GoMap(ks.filter((k) => readable(d).m.has(k)).map((k) => [k, readable(d).m.get(k)!])), "string"),
  omit: fn(["map"], (d: GoValue, ...ks: string[]) => {
    const drop = new Set(ks);
    return new GoMap([...readable(d).m].filter(([k]) => !drop.has(k)));
  }, "string"),
  merge: merging(false),
  mergeOverwrite: merging(true),
  // mergo never fails on map[string]interface{} values, so the must forms are the same functions.
  mustMerge: merging(false),
  mustMergeOverwrite: merging(true),
  dig: lookup(fn(["any"], dig, "any")),
  // deepCopy and deepEqual spend a step per value they visit.
  deepCopy: lookup(fn(["any"], copyValue)),
  mustDeepCopy: lookup(fn(["any"], copyValue)),
  deepEqual: lookup(fn(["any", "any"], deepEqual)),
  default: lookup(fn(["any"], (d: GoValue, ...given: GoValue[]) => (given.length === 0 || empty(given[0]!) ? d : given[0]!), "any")),
  empty: lookup(fn(["any"], empty)),
  coalesce: lookup(fn([], (...v: GoValue[]) => v.find((x) => !empty(x)) ?? null, "any")),
  all: lookup(fn([], (...v: GoValue[]) => v.every((x) => !empty(x)), "any")),
  any: lookup(fn([], (...v: GoValue[]) => v.some((x) => !empty(x)), "any")),
  ternary: lookup(fn(["any", "any", "bool"], (t: GoValue, f: GoValue, c: boolean) => (c ? t : f))),
  fail: fn(["string"], (msg: string) => {
    throw new GoError(msg);
  }),
};
