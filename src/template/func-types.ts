// How template functions are declared: Go signatures (parameter types drive text/template's argument
// checks and constant conversion, exactly as reflect does for Go's FuncMap) and the error a function returns.
import type { GoValue } from "./values.ts";

/** Go parameter types the engine checks: interface{}, string, int, int64, uint32 (only a constant can be one:
 *  no function returns it), float64, bool, map[string]interface{}, []interface{} ("list"), time.Time, ESO's
 *  sprig.HashAlgorithm (a named string type: a literal converts to it, a string value does not), and a struct
 *  type by its Go name ("sprig.certificate", "*semver.Version": values.ts StructType). */
export type ParamType = "any" | "string" | "int" | "int64" | "uint32" | "float64" | "bool" | "map" | "list" | "time" | "hashAlgorithm" | StructParam;

/** A struct (or pointer to struct) parameter, named as %T prints it; only a GoStruct of that type passes. */
export type StructParam = `${string}.${string}`;

export interface GoFunc {
  params: ParamType[];
  /** Type of the trailing ...args, if the function is variadic. */
  variadic?: ParamType;
  // Arguments arrive already checked against `params`, so each implementation narrows them itself.
  fn: (...args: never[]) => GoValue;
  // How the executor's budget (budget.ts) charges a call besides its one step; by default, the sizes of
  // its arguments and result at one step per BYTES_PER_STEP bytes.
  /** Its work does not depend on its arguments' sizes and it returns one of them, a part of one, or a
   *  value made of its arguments (index, hasKey, first, set, dict ...): no size is charged. */
  lookup?: true;
  /** Steps a byte (or element) of its arguments and result costs, when not 1/BYTES_PER_STEP: 1 for those
   *  that walk strings rune by rune in JavaScript (upper, quote, toJson: 20-200 ns a byte, against 1-10
   *  for native string operations), 2-4 for shuffle, date layouts and toYaml, 32 for the YAML parser. */
  stepsPerByte?: number;
  /** Steps it costs whatever its arguments (bcrypt, PKCS#12 key derivation: tens of milliseconds). */
  fixedSteps?: number;
}

/** A function's Go `error` result (or a recovered panic): text/template reports "error calling NAME: MSG". */
export class GoError extends Error {}

export type FuncMap = Record<string, GoFunc>;

export const fn = (params: ParamType[], impl: (...args: never[]) => GoValue, variadic?: ParamType): GoFunc =>
  variadic ? { params, variadic, fn: impl } : { params, fn: impl };

/** Budget markers: see GoFunc.lookup, stepsPerByte and fixedSteps. */
export const lookup = (f: GoFunc): GoFunc => ({ ...f, lookup: true });
export const runeWise = (f: GoFunc): GoFunc => ({ ...f, stepsPerByte: 1 });
export const perByte = (steps: number, f: GoFunc): GoFunc => ({ ...f, stepsPerByte: steps });
export const costly = (steps: number, f: GoFunc): GoFunc => ({ ...f, fixedSteps: steps });
