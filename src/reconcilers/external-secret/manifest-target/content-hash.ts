// The data-hash annotation of a rendered resource, as ESO 2.9 writes it (genericTargetContentHash): SHA3-224 of
// Go's `%v` of the object's spec, or of its data when it has no spec. Same text as Go prints, so a resource ESO
// rendered is recognised as current after an operator swap.
import { createHash } from "node:crypto";

/** Go's %v of a float64 (strconv 'g', shortest, exponent below 1e-4 or from 1e21): 1e-05, 0.0001, 1.5e+21. */
function goFloat(n: number): string {
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mantissa, exp] = n.toExponential().split("e") as [string, string];
    const sign = exp.startsWith("-") ? "-" : "+";
    const digits = exp.replace(/^[-+]/, "");
    return `${mantissa}e${sign}${digits.padStart(2, "0")}`;
  }
  return String(n);
}

/** Go's %v of a value decoded from JSON into interface{} (maps sorted by key, as fmt prints them). */
export function goPrint(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goPrint).join(" ")}]`;
  if (typeof value === "object") {
    const map = value as Record<string, unknown>;
    return `map[${Object.keys(map).sort().map((k) => `${k}:${goPrint(map[k])}`).join(" ")}]`;
  }
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : goFloat(value);
  return String(value);
}

/** undefined when the object has neither spec nor data (ESO refuses such a target). */
export function manifestContentHash(obj: Record<string, unknown>): string | undefined {
  const content = obj.spec ?? obj.data;
  if (content === undefined || content === null) return undefined;
  return createHash("sha3-224").update(goPrint(content)).digest("hex");
}
