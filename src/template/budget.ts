// Per-execution limits on a tenant's template: steps (time), the size of each value and of the output,
// and the bytes of values made (memory), so a hostile or careless template ends in a template error
// instead of a frozen event loop or a V8 heap abort that restarts the operator for the whole cluster.
//
// Go's engine has no such limits (it runs until it is killed); where Go would succeed within them we
// give the same output, beyond them we fail on purpose. Limits Go itself has (fmt's width and precision)
// are reproduced where they apply (fmt-printf.ts), not here.
import { GoMap, type GoValue } from "./values.ts";

export interface BudgetLimits {
  /** Steps one execution may take (time): a node walked, a command, an argument, a range iteration, a
   *  function call, a value visited by a deep walk, and a step per BYTES_PER_STEP bytes a call reads or
   *  makes (see GoFunc's lookup, stepsPerByte and fixedSteps for the exceptions). */
  maxSteps: number;
  /** Bytes of output, and the most any one value may have (sizeOf: a string's bytes, 8 a list element,
   *  16 a map entry). */
  maxBytes: number;
  /** Bytes of values made over the whole execution (heapOf), garbage included: a bound on memory, which
   *  steps are not (a step can keep a megabyte alive). */
  maxMadeBytes: number;
}

/** 1 MiB, the most a Kubernetes Secret can hold. */
export const SECRET_LIMIT_BYTES = 1_048_576;

// Measured with the largest realistic template we know (test/differential/cases-realistic.ts plus
// test/unit/template/realistic-template.ts: 1,000 data keys, a dockerconfigjson of 300 registries, an env
// file and a YAML config of 349 JSON entries, a key list collected with append, a CA bundle of 50
// certificates, a PKCS#12 keystore; 227 KB out): 880,913 steps and 5.3 MB of values made, in 40-150 ms
// on a shared 2-core box (50-170 ns a step).
// maxSteps is 10,000,000: 11x that template (ordinary templates take a few thousand steps). The step costs
// are set so that every kind of step we measured (node walks, iterations, calls, byte work of each function
// family) takes 0.3-3x a step of the realistic template, so any template runs out within about 0.5-1.7 s of
// one core on that box: inside the isolation worker's time limit (--isolation-timeout 3s), so a hostile
// template ends with the budget's own clear message rather than a killed worker. (100x, 90M steps, ran
// 5-15 s: past the time limit, and each hostile retry held a worker that long.)
// maxMadeBytes cannot be 100x (half a gigabyte of live values would strain the operator's heap): 128 MiB
// is ~25x, lets the append pattern above run over 5,000 keys, and bounds what a template can keep alive.
export const DEFAULT_LIMITS: Readonly<BudgetLimits> = Object.freeze({ maxSteps: 10_000_000, maxBytes: SECRET_LIMIT_BYTES, maxMadeBytes: 128 * 1024 * 1024 });

/** Bytes a step of byte work stands for: native string operations (b64enc, split, repeat, sha256sum)
 *  take 1-10 ns a byte, about a node walk per 16 bytes. Rune-wise functions pay a step a byte. */
export const BYTES_PER_STEP = 16;

/** Go-sized slots: a list element (an int or a pointer) and a map entry (two words). */
export const LIST_ELEMENT_BYTES = 8;
export const MAP_ENTRY_BYTES = 16;
/** The JavaScript heap behind values, for maxMadeBytes (measured with heapUsed over a million of each):
 *  an empty list (~32 bytes) and map (GoMap and Map, ~160), a map entry with its key (~50), and a new
 *  integer (a BigInt, ~24, plus its 8-byte slot in the list). */
const LIST_HEAP = 32;
const MAP_HEAP = 160;
const MAP_ENTRY_HEAP = 48;
export const INT_HEAP = 24;

/** A limit ran out. The message is fixed text naming the limit, never a data value. */
export class BudgetExceeded extends Error {}

export class Budget {
  readonly limits: Readonly<BudgetLimits>;
  private steps = 0;
  private output = 0;
  private made = 0;
  /** Once a limit trips, every later check fails too: a function that swallows errors cannot carry on. */
  private exhausted: string | undefined;

  constructor(limits: Readonly<BudgetLimits>) {
    this.limits = limits;
  }

  private trip(message: string): never {
    this.exhausted ??= message;
    throw new BudgetExceeded(this.exhausted);
  }

  /** Spends `n` steps. */
  step(n = 1): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps || this.exhausted) this.trip(`template budget exhausted: more than ${this.limits.maxSteps} steps`);
  }

  /** Spends the steps for reading or making `bytes` bytes. */
  work(bytes: number): void {
    this.step(bytes / BYTES_PER_STEP);
  }

  /** Checks, before making it, that a value of `size` bytes (sizeOf) is within the cap. */
  fits(size: number | bigint): void {
    if (size > this.limits.maxBytes || this.exhausted) this.trip(`template budget exhausted: value larger than ${this.limits.maxBytes} bytes`);
  }

  /** Counts `bytes` of heap for values made (heapOf). */
  alloc(bytes: number): void {
    this.made += bytes;
    if (this.made > this.limits.maxMadeBytes || this.exhausted) this.trip(`template budget exhausted: more than ${this.limits.maxMadeBytes} bytes of values made`);
  }

  /** Counts `n` bytes written to the output. */
  emit(n: number): void {
    this.output += n;
    if (this.output > this.limits.maxBytes || this.exhausted) this.trip(`template budget exhausted: output larger than ${this.limits.maxBytes} bytes`);
    this.work(n);
    this.alloc(n);
  }

  /** What was spent, for measuring templates (the numbers above) and for tests. */
  get spent(): { steps: number; output: number; made: number } {
    return { steps: this.steps, output: this.output, made: this.made };
  }
}

// The budget of the execution in progress. A module-level slot rather than a parameter: functions are
// declared with their Go signatures (func-types.ts) so the executor can check arguments as reflect
// does, and the size checks sit deep in fmt/json/yaml helpers; threading a context through ~170
// implementations would change every one of them. Execution is synchronous and single-threaded (each
// worker has its own module instance), and withBudget restores the previous slot in `finally`, so a
// nested execution or a throw leaves it right.
let active: Budget | undefined;

/** The running execution's budget; outside one (a function called directly), a fresh budget with the
 *  default size cap and no step or memory limit. */
export const budget = (): Budget => active ?? new Budget({ maxSteps: Infinity, maxBytes: DEFAULT_LIMITS.maxBytes, maxMadeBytes: Infinity });

export function withBudget<T>(b: Budget, run: () => T): T {
  const saved = active;
  active = b;
  try {
    return run();
  } finally {
    active = saved;
  }
}

/** The bytes a value counts for against the cap: a string's bytes, a list's or map's Go-sized slots (not
 *  what they hold: nested values were counted when they were made). */
export function sizeOf(v: GoValue): number {
  if (typeof v === "string") return v.length;
  if (Array.isArray(v)) return v.length * LIST_ELEMENT_BYTES;
  if (v instanceof GoMap) return v.m.size * MAP_ENTRY_BYTES;
  return 0;
}

/** The work a value stands for when a function reads or makes it, in bytes of string work: a list element
 *  or map entry is visited or copied in a few nanoseconds, like a byte of native string work (its memory
 *  is what heapOf counts). */
export function workOf(v: GoValue): number {
  if (typeof v === "string" || Array.isArray(v)) return v.length;
  if (v instanceof GoMap) return v.m.size;
  return 0;
}

/** The heap a new value takes, shallowly, for maxMadeBytes. */
export function heapOf(v: GoValue): number {
  if (v instanceof GoMap) return MAP_HEAP + v.m.size * MAP_ENTRY_HEAP;
  if (Array.isArray(v)) return LIST_HEAP + v.length * LIST_ELEMENT_BYTES;
  return sizeOf(v);
}

/** Checks, before making it, that a list of `n` elements fits the cap. */
export const listFits = (n: number | bigint): void => budget().fits(typeof n === "bigint" ? n * BigInt(LIST_ELEMENT_BYTES) : n * LIST_ELEMENT_BYTES);

/** Counts a map entry added in place (set), which no result size shows. */
export const entryMade = (): void => budget().alloc(MAP_ENTRY_HEAP);

/** Joins strings made one by one, checking the running length against the cap before the next is made,
 *  so a huge (or exponentially shared) list fails after at most one cap's worth of text. Every printing
 *  of a list or map goes through here, so the text made is charged here too (a nested value is charged
 *  at each level: printing deep values costs more, which is what it does). */
export function boundedJoin<T>(items: Iterable<T>, sep: string, each: (item: T) => string): string {
  const b = budget();
  const parts: string[] = [];
  let length = 0;
  for (const item of items) {
    const s = each(item);
    length += s.length + (parts.length > 0 ? sep.length : 0);
    b.fits(length);
    parts.push(s);
  }
  b.work(length);
  b.alloc(length);
  return parts.join(sep);
}
