// Sprig's list functions (list, append, prepend, first, rest, last, initial, reverse, uniq, without,
// has, compact, concat, chunk, slice, until, untilStep, seq) with Sprig's panics as template errors.
import { fn, GoError, type FuncMap } from "./func-types.ts";
import { deepEqual, empty, toInt64 } from "./convert.ts";
import { goKind, goType, typedList, type GoList, type GoValue } from "./values.ts";

function asList(v: GoValue, what: string): GoList {
  if (Array.isArray(v)) return v;
  throw new GoError(`Cannot ${what} on type ${v === null ? "<nil>" : goKind(v)}`);
}

/** Sprig's lenient functions return nil for an empty input list. */
const orNil = (v: GoValue[], ...rest: GoValue[]): GoValue => (v.length === 0 ? null : rest[0]!);

function untilStep(start: bigint, stop: bigint, step: bigint): GoList {
  const out: GoValue[] = [];
  if (stop < start) {
    if (step >= 0n) return typedList(out, "int");
    for (let i = start; i > stop; i += step) out.push(i);
    return typedList(out, "int");
  }
  if (step <= 0n) return typedList(out, "int");
  for (let i = start; i < stop; i += step) out.push(i);
  return typedList(out, "int");
}

function seq(...params: bigint[]): string {
  let range: GoList;
  switch (params.length) {
    case 0: return "";
    case 1: {
      const end = params[0]!;
      const inc = end < 1n ? -1n : 1n;
      range = untilStep(1n, end + inc, inc);
      break;
    }
    case 2: {
      const [start, end] = params as [bigint, bigint];
      const inc = end < start ? -1n : 1n;
      range = untilStep(start, end + inc, inc);
      break;
    }
    case 3: {
      const [start, step, end] = params as [bigint, bigint, bigint];
      if (end < start) {
        if (step >= 0n) return "";
        range = untilStep(start, end - 1n, step);
      } else {
        if (step <= 0n) return "";
        range = untilStep(start, end + 1n, step);
      }
      break;
    }
    default: return "";
  }
  return range.map((v) => String(v)).join(" ");
}

function sliceList(list: GoValue, ...indices: GoValue[]): GoValue {
  if (!Array.isArray(list)) throw new GoError(`list should be type of slice or array but ${list === null ? "invalid" : goKind(list)}`);
  if (list.length === 0) return null;
  const start = indices.length > 0 ? toInt64(indices[0]!) : 0n;
  const end = indices.length > 1 ? toInt64(indices[1]!) : BigInt(list.length);
  if (start < 0n || end < start || end > BigInt(list.length)) throw new GoError(`reflect: slice index out of range`);
  return Object.assign(list.slice(Number(start), Number(end)), list.elem ? { elem: list.elem } : {});
}

function chunk(size: bigint, list: GoValue): GoValue {
  const l = asList(list, "chunk");
  const n = Number(size);
  const out: GoValue[] = [];
  for (let i = 0; i < l.length; i += n) out.push(l.slice(i, i + n));
  return out;
}

export const listFuncs: FuncMap = {
  list: fn([], (...v: GoValue[]) => v, "any"),
  tuple: fn([], (...v: GoValue[]) => v, "any"),
  append: fn(["any", "any"], (l: GoValue, v: GoValue) => [...asList(l, "push"), v]),
  push: fn(["any", "any"], (l: GoValue, v: GoValue) => [...asList(l, "push"), v]),
  prepend: fn(["any", "any"], (l: GoValue, v: GoValue) => [v, ...asList(l, "prepend")]),
  first: fn(["any"], (l: GoValue) => orNil(asList(l, "find first"), asList(l, "find first")[0] ?? null)),
  last: fn(["any"], (l: GoValue) => orNil(asList(l, "find last"), asList(l, "find last").at(-1) ?? null)),
  rest: fn(["any"], (l: GoValue) => asList(l, "find rest").slice(1)),
  initial: fn(["any"], (l: GoValue) => asList(l, "find initial").slice(0, -1)),
  reverse: fn(["any"], (l: GoValue) => [...asList(l, "find reverse")].reverse()),
  uniq: fn(["any"], (l: GoValue) => asList(l, "find uniq").filter((v, i, all) => all.findIndex((w) => deepEqual(v, w)) === i)),
  without: fn(["any"], (l: GoValue, ...omit: GoValue[]) => asList(l, "find without").filter((v) => !omit.some((o) => deepEqual(v, o))), "any"),
  has: fn(["any", "any"], (needle: GoValue, hay: GoValue) => (hay === null ? false : asList(hay, "find has").some((v) => deepEqual(v, needle)))),
  compact: fn(["any"], (l: GoValue) => asList(l, "compact").filter((v) => !empty(v))),
  concat: fn([], (...lists: GoValue[]) => lists.flatMap((l) => {
    if (!Array.isArray(l)) throw new GoError(`Cannot concat type ${l === null ? "<nil>" : goType(l)} as list`);
    return l;
  }), "any"),
  chunk: fn(["int", "any"], chunk),
  slice: fn(["any"], sliceList, "any"),
  until: fn(["int"], (n: bigint) => untilStep(0n, n, n < 0n ? -1n : 1n)),
  untilStep: fn(["int", "int", "int"], untilStep),
  seq: fn([], seq, "int"),
};
