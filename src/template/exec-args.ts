// text/template's argument rules (exec.go evalArg/validateType): constants convert to the parameter's Go
// type (an int literal to int or float64, a float literal with an integral value to int), values must be of
// exactly that type (int64 is not int), nil only where Go allows it.
import type { ParamType } from "./func-types.ts";
import type { ArgNode } from "./nodes.ts";
import { GoMap, GoStruct, GoTime, Int64, goType, type GoValue } from "./values.ts";

type Fail = (msg: string) => never;
type NumberNode = Extract<ArgNode, { kind: "number" }>;

export function goTypeName(type: ParamType): string {
  const names: Partial<Record<ParamType, string>> = { map: "map[string]interface {}", list: "[]interface {}", any: "interface {}", hashAlgorithm: "sprig.HashAlgorithm", time: "time.Time" };
  return names[type] ?? type;
}

/** Go's canBeNil: interfaces, maps, slices and pointers take a nil argument. */
export const canBeNil = (type: ParamType): boolean => type === "any" || type === "map" || type === "list" || type.startsWith("*");

const looksFloat = (node: NumberNode) => !node.isChar && /[.eEpP]/.test(node.text) && !/^[+-]?0[xX]/.test(node.text);

/** An untyped numeric constant as interface{}: float64 when written as a float, else int. */
export function idealConstant(node: NumberNode, fail: Fail): GoValue {
  if (node.float !== undefined && looksFloat(node)) return node.float;
  if (node.int !== undefined) return node.int;
  return fail(`${node.src} overflows int`);
}

/** A literal argument (bool, number, string) for a parameter of `type`. */
export function constantArg(type: ParamType, node: ArgNode, fail: Fail): GoValue {
  switch (type) {
    case "bool":
      return node.kind === "bool" ? node.value : fail(`expected bool; found ${node.src}`);
    case "float64":
      return node.kind === "number" && node.float !== undefined ? node.float : fail(`expected float; found ${node.src}`);
    case "int":
    case "int64":
      if (node.kind === "number" && node.int !== undefined && (!looksFloat(node) || Number.isInteger(node.float))) return type === "int" ? node.int : new Int64(node.int);
      return fail(`expected integer; found ${node.src}`);
    case "uint32": {
      // evalUnsignedInteger: a constant that is a uint64 (an integral float too), stored with SetUint, which
      // keeps the low 32 bits.
      if (node.kind === "number" && node.int !== undefined && node.int >= 0n && (!looksFloat(node) || Number.isInteger(node.float))) return BigInt.asUintN(32, node.int);
      return fail(`expected unsigned integer; found ${node.src}`);
    }
    case "string":
    case "hashAlgorithm":
      return node.kind === "string" ? node.value : fail(`expected string; found ${node.src}`);
    case "any":
      if (node.kind === "bool" || node.kind === "string") return node.value;
      if (node.kind === "number") return idealConstant(node, fail);
      return fail(`can't handle ${node.src} for arg of type interface {}`);
    default:
      return fail(`can't handle ${node.src} for arg of type ${goTypeName(type)}`);
  }
}

/** validateType: the value must already be of the parameter's type (no conversions between Go types). */
export function checkType(value: GoValue, type: ParamType, fail: Fail): GoValue {
  if (type === "any") return value;
  if (value === null) return canBeNil(type) ? null : fail(`invalid value; expected ${goTypeName(type)}`);
  const ok =
    (type === "string" && typeof value === "string") ||
    (type === "int" && typeof value === "bigint") ||
    (type === "int64" && value instanceof Int64) ||
    (type === "float64" && typeof value === "number") ||
    (type === "bool" && typeof value === "boolean") ||
    (type === "map" && value instanceof GoMap && value.elem === "any") ||
    (type === "list" && Array.isArray(value) && value.elem === undefined) ||
    (type === "time" && value instanceof GoTime) ||
    (value instanceof GoStruct && goType(value) === type);
  return ok ? value : fail(`wrong type for value; expected ${goTypeName(type)}; got ${goType(value)}`);
}
