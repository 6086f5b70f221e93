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
   *  makes (see GoFunc's lookup, runeWise and fixedSteps for the exceptions). */
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

// Measured with the largest realistic template we know (test/unit/template/realistic-template.ts: 1,000
// data keys, a dockerconfigjson of 300 registries, an env file and a YAML config of 349 JSON entries,
// a CA bundle of 50 certificates, a key list collected with append, a PKCS#12 keystore; 216 KB out):
// 1,149,503 steps (38 ms on the dev box, ~32 ns a step without the keystore) and 5.2 MB of values made.
// maxSteps is 100x the steps, rounded: 115,000,000, about 4 to 12 s of one core however they are spent
// (a node walk is 30-100 ns, a rune-wise byte 50-300 ns). maxMadeBytes cannot be 100x (520 MB of live
// values would strain the operator's heap): 256 MiB is ~50x, and far more than any real template makes.
export const DEFAULT_LIMITS: Readonly<BudgetLimits> = Object.freeze({ maxSteps: 115_000_000, maxBytes: SECRET_LIMIT_BYTES, maxMadeBytes: 256 * 1024 * 1024 });

/** Bytes a step of byte work stands for: native string operations (b64enc, split, repeat, sha256sum)
 *  take 1-10 ns a byte, about a node walk per 16 bytes. Rune-wise functions pay a step a byte. */
export const BYTES_PER_STEP = 16;

/** Go-sized slots: a list element (an int or a pointer) and a map entry (two words). */
export const LIST_ELEMENT_BYTES = 8;
export const MAP_ENTRY_BYTES = 16;
/** The JavaScript heap behind a map entry (hash table slot, key and value), and behind a new integer
 *  (a BigInt object), for maxMadeBytes. */
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

/** The heap a new value takes, shallowly, for maxMadeBytes. */
export function heapOf(v: GoValue): number {
  return v instanceof GoMap ? v.m.size * MAP_ENTRY_HEAP : sizeOf(v);
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
