// Calling one template function: what the budget charges for it (budget.ts, GoFunc's markers) and how its
// failures read (text/template's "error calling NAME: ..." for a Go error or a recovered panic).
import { BudgetExceeded, BYTES_PER_STEP, heapOf, sizeOf, workOf, type Budget } from "./budget.ts";
import { GoError, type GoFunc } from "./func-types.ts";
import type { GoValue } from "./values.ts";

const STACK_OVERFLOW = "Maximum call stack size exceeded";

/** Calls `fn`; `fail` reports at the call (it throws). A budget error and a stack overflow (values nested
 *  thousands deep, a cycle made with set) go up unchanged, to be reported by the executor and renderBytes. */
export function callFunction(b: Budget, name: string, fn: GoFunc, values: GoValue[], fail: (msg: string) => never): GoValue {
  // A step, plus the bytes it reads (unless it is a lookup) and makes; its result must fit the cap.
  // Functions that could build more than the cap check before allocating; this is the backstop.
  const rate = fn.stepsPerByte === undefined ? 1 : fn.stepsPerByte * BYTES_PER_STEP;
  b.step(1 + (fn.fixedSteps ?? 0));
  if (!fn.lookup) b.work(rate * values.reduce<number>((n, v) => n + workOf(v), 0));
  let result: GoValue;
  try {
    result = (fn.fn as (...a: GoValue[]) => GoValue)(...values);
  } catch (err) {
    if (err instanceof BudgetExceeded) throw err;
    if (err instanceof GoError) return fail(`error calling ${name}: ${err.message}`);
    // Compared, not matched: near the stack's end even compiling a regexp throws.
    if (err instanceof RangeError && err.message === STACK_OVERFLOW) throw err;
    return fail(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (fn.lookup) return result;
  b.fits(sizeOf(result));
  b.work(rate * workOf(result));
  b.alloc(heapOf(result));
  return result;
}
