// Sprig's list functions (list, append, prepend, first, rest, last, initial, reverse, uniq, without,
// has, compact, concat, chunk, slice, until, untilStep, seq, and the must forms) with Sprig's panics as
// template errors.
import { boundedJoin, budget, INT_HEAP, listFits } from "./budget.ts";
import { fn, GoError, lookup, type FuncMap } from "./func-types.ts";
import { deepEqual, empty, toInt64 } from "./convert.ts";
import { goKind, goType, typedList, type GoList, type GoValue } from "./values.ts";

function asList(v: GoValue, what: string): GoList {
  if (Array.isArray(v)) return v;
  throw new GoError(`Cannot ${what} on type ${v === null ? "<nil>" : goKind(v)}`);
}

/** Sprig's lenient functions return nil for an empty input list. */
const orNil = (v: GoValue[], ...rest: GoValue[]): GoValue => (v.length === 0 ? null : rest[0]!);

/** A list of `count` new integers: sized against the cap, and their BigInts counted as made. */
function made(count: bigint): void {
  listFits(count);
  budget().alloc(Number(count) * INT_HEAP);
}

/** Sprig's untilStep, sized before it is built. (Go's int wraps past 2^63 and then loops until memory
 *  runs out; bigints do not wrap, so such a call gives its few elements here, or the budget error.) */
function untilStep(start: bigint, stop: bigint, step: bigint): GoList {
  const out: GoValue[] = [];
  if (stop < start) {
    if (step >= 0n) return typedList(out, "int");
    made((start - stop + -step - 1n) / -step);
    for (let i = start; i > stop; i += step) out.push(i);
    return typedList(out, "int");
  }
  if (step <= 0n) return typedList(out, "int");
  made((stop - start + step - 1n) / step);
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
  return boundedJoin(range, " ", (v) => String(v));
}

function sliceList(list: GoValue, ...indices: GoValue[]): GoValue {
  if (!Array.isArray(list)) throw new GoError(`list should be type of slice or array but ${list === null ? "invalid" : goKind(list)}`);
  if (list.length === 0) return null;
  const start = indices.length > 0 ? toInt64(indices[0]!) : 0n;
  const end = indices.length > 1 ? toInt64(indices[1]!) : BigInt(list.length);
  if (start < 0n || end < start || end > BigInt(list.length)) throw new GoError(`reflect: slice index out of range`);
  return Object.assign(list.slice(Number(start), Number(end)), list.elem ? { elem: list.elem } : {});
}

/** Go's float64 -> int conversion on amd64: NaN and out-of-range values become the minimum int. */
const goInt = (f: number): number => (Number.isNaN(f) || f >= 2 ** 63 || f < -(2 ** 63) ? -(2 ** 63) : Math.trunc(f));
const makesliceFails = (): never => {
  throw new GoError("runtime error: makeslice: len out of range");
};

/** Sprig's mustChunk with its float arithmetic, so a size of zero or below fails (or not) as in Go
 *  instead of looping forever: chunk count floor((len-1)/size)+1, the last chunk len mod size. */
function chunk(size: bigint, list: GoValue): GoValue {
  const l = asList(list, "chunk");
  const n = Number(size);
  const count = goInt(Math.floor((l.length - 1) / n) + 1);
  if (count < 0) makesliceFails();
  listFits(count);
  const out: GoValue[] = [];
  for (let i = 0; i < count; i++) {
    let len = n;
    if (i === count - 1) {
      len = goInt(Math.floor(l.length % n));
      if (len === 0) len = n;
    }
    if (len < 0) makesliceFails();
    out.push(l.slice(i * n, i * n + len));
  }
  return out;
}

const plain: FuncMap = {
  list: fn([], (...v: GoValue[]) => v, "any"),
  tuple: fn([], (...v: GoValue[]) => v, "any"),
  append: fn(["any", "any"], (l: GoValue, v: GoValue) => [...asList(l, "push"), v]),
  push: fn(["any", "any"], (l: GoValue, v: GoValue) => [...asList(l, "push"), v]),
  prepend: fn(["any", "any"], (l: GoValue, v: GoValue) => [v, ...asList(l, "prepend")]),
  first: lookup(fn(["any"], (l: GoValue) => orNil(asList(l, "find first"), asList(l, "find first")[0] ?? null))),
  last: lookup(fn(["any"], (l: GoValue) => orNil(asList(l, "find last"), asList(l, "find last").at(-1) ?? null))),
  rest: fn(["any"], (l: GoValue) => asList(l, "find rest").slice(1)),
  initial: fn(["any"], (l: GoValue) => asList(l, "find initial").slice(0, -1)),
  reverse: fn(["any"], (l: GoValue) => [...asList(l, "find reverse")].reverse()),
  uniq: fn(["any"], (l: GoValue) => asList(l, "find uniq").filter((v, i, all) => all.findIndex((w) => deepEqual(v, w)) === i)),
  without: fn(["any"], (l: GoValue, ...omit: GoValue[]) => asList(l, "find without").filter((v) => !omit.some((o) => deepEqual(v, o))), "any"),
  // has compares with deepEqual, which spends a step per comparison.
  has: lookup(fn(["any", "any"], (needle: GoValue, hay: GoValue) => (hay === null ? false : asList(hay, "find has").some((v) => deepEqual(v, needle))))),
  compact: fn(["any"], (l: GoValue) => asList(l, "compact").filter((v) => !empty(v))),
  concat: fn([], (...lists: GoValue[]) => {
    for (const l of lists) if (!Array.isArray(l)) throw new GoError(`Cannot concat type ${l === null ? "<nil>" : goType(l)} as list`);
    listFits(lists.reduce<number>((n, l) => n + (l as GoList).length, 0));
    return lists.flatMap((l) => l as GoList);
  }, "any"),
  chunk: fn(["int", "any"], chunk),
  slice: fn(["any"], sliceList, "any"),
  until: fn(["int"], (n: bigint) => untilStep(0n, n, n < 0n ? -1n : 1n)),
  untilStep: fn(["int", "int", "int"], untilStep),
  seq: fn([], seq, "int"),
};

// Sprig's must forms return as an error what the plain ones panic with, in the same words, and text/template
// reports both as "error calling NAME: MSG": they are the same functions under a second name.
const MUST: Record<string, string> = {
  mustAppend: "push", mustPush: "push", mustPrepend: "prepend", mustFirst: "first", mustLast: "last", mustRest: "rest",
  mustInitial: "initial", mustReverse: "reverse", mustUniq: "uniq", mustWithout: "without", mustHas: "has",
  mustCompact: "compact", mustSlice: "slice", mustChunk: "chunk",
};

export const listFuncs: FuncMap = { ...plain, ...Object.fromEntries(Object.entries(MUST).map(([must, name]) => [must, plain[name]!])) };
