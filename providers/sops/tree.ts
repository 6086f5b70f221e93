// The ordered document tree SOPS works on (sops.TreeBranch): maps keep file order because the MAC covers it,
// and scalars keep the type Go would see, because the MAC hashes Go's text form of each value.

/** A leaf. bigint = a YAML integer or an `int` value; number = a float (and every JSON number, as in Go). */
export type Scalar = string | number | bigint | boolean | null | Uint8Array;
export type TreeMap = Map<string, TreeNode>;
export type TreeNode = Scalar | TreeNode[] | TreeMap;

export const isMap = (node: TreeNode): node is TreeMap => node instanceof Map;

/** Go's strconv.FormatFloat(f, 'f', -1, 64): the shortest digits that round-trip, never an exponent. */
export function goFloatText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  if (Object.is(value, -0)) return "-0";
  const [mantissa, exponentText] = value.toExponential().split("e") as [string, string];
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const exponent = Number(exponentText);
  let text: string;
  if (exponent >= digits.length - 1) text = digits + "0".repeat(exponent - digits.length + 1);
  else if (exponent >= 0) text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  else text = `0.${"0".repeat(-exponent - 1)}${digits}`;
  return negative ? `-${text}` : text;
}

const encoder = new TextEncoder();

/** sops.ToBytes: what a leaf contributes to the MAC. */
export function macBytes(value: Exclude<Scalar, null>): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return encoder.encode(value);
  if (typeof value === "bigint") return encoder.encode(value.toString());
  if (typeof value === "number") return encoder.encode(goFloatText(value));
  return encoder.encode(value ? "True" : "False");
}

const decoder = new TextDecoder();

/** A leaf as text for a Secret value: strings raw, numbers as Go prints them, booleans lower-case like YAML. */
export function scalarText(value: Scalar): string {
  if (value === null) return "";
  if (value instanceof Uint8Array) return decoder.decode(value);
  if (typeof value === "number") return goFloatText(value);
  return String(value);
}

/** The tree as JSON text, in file order (JSON.parse would reorder integer-like keys; this does not). */
export function toJsonText(node: TreeNode, pretty = false, indent = ""): string {
  const nl = pretty ? "\n" : "";
  const inner = pretty ? `${indent}  ` : "";
  const close = pretty ? indent : "";
  if (isMap(node)) {
    if (node.size === 0) return "{}";
    const parts = [...node].map(([key, value]) => `${inner}${JSON.stringify(key)}:${pretty ? " " : ""}${toJsonText(value, pretty, inner)}`);
    return `{${nl}${parts.join(`,${nl}`)}${nl}${close}}`;
  }
  if (Array.isArray(node)) {
    if (node.length === 0) return "[]";
    return `[${nl}${node.map((value) => `${inner}${toJsonText(value, pretty, inner)}`).join(`,${nl}`)}${nl}${close}]`;
  }
  if (node === null) return "null";
  if (typeof node === "bigint" || typeof node === "boolean") return String(node);
  if (typeof node === "number") return Number.isFinite(node) ? goFloatText(node) : JSON.stringify(goFloatText(node));
  return JSON.stringify(typeof node === "string" ? node : decoder.decode(node));
}

/** The tree as plain JS values (for YAML output): maps become objects, bigints numbers when exact. */
export function toPlain(node: TreeNode): unknown {
  if (isMap(node)) {
    const out = new Map<string, unknown>();
    for (const [key, value] of node) out.set(key, toPlain(value));
    return out;
  }
  if (Array.isArray(node)) return node.map(toPlain);
  if (typeof node === "bigint") return Number.isSafeInteger(Number(node)) ? Number(node) : node;
  if (node instanceof Uint8Array) return decoder.decode(node);
  return node;
}
