// How template functions are declared: Go signatures (parameter types drive text/template's argument
// checks and constant conversion, exactly as reflect does for Go's FuncMap) and the error a function returns.
import type { GoValue } from "./values.ts";

/** Go parameter types the engine checks: interface{}, string, int, int64, float64, bool, map[string]interface{}. */
export type ParamType = "any" | "string" | "int" | "int64" | "float64" | "bool" | "map";

export interface GoFunc {
  params: ParamType[];
  /** Type of the trailing ...args, if the function is variadic. */
  variadic?: ParamType;
  // Arguments arrive already checked against `params`, so each implementation narrows them itself.
  fn: (...args: never[]) => GoValue;
}

/** A function's Go `error` result (or a recovered panic): text/template reports "error calling NAME: MSG". */
export class GoError extends Error {}

export type FuncMap = Record<string, GoFunc>;

export const fn = (params: ParamType[], impl: (...args: never[]) => GoValue, variadic?: ParamType): GoFunc =>
  variadic ? { params, variadic, fn: impl } : { params, fn: impl };
