// encoding/json as Sprig's toJson/toPrettyJson/toRawJson use it: sorted map keys, HTML escaping
// (except toRawJson), \u2028/\u2029 escaped, invalid UTF-8 as \ufffd, floats as Go formats them.
import { formatE, formatF } from "./fmt-number.ts";
import { runes, fromBin } from "./gostr.ts";
import { GoError } from "./func-types.ts";
import { boundedJoin } from "./budget.ts";
import { GoMap, GoStruct, GoTime, fromPlain, intOf, isInt, type GoValue } from "./values.ts";

const SHORT: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

function jsonString(bin: string, escapeHTML: boolean): string {
  let out = '"';
  for (const r of runes(bin)) {
    if (!r.valid) {
      out += "\\ufffd";
      continue;
    }
    const ch = r.ch;
    const cp = ch.codePointAt(0)!;
    if (SHORT[ch]) out += SHORT[ch];
    else if (cp < 0x20 || (escapeHTML && (ch === "<" || ch === ">" || ch === "&")) || cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += r.bytes;
  }
  return out + '"';
}

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new GoError(`json: unsupported value: ${f}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return formatE(f, -1).replace(/e([+-])0(\d)$/, "e$1$2");
  return formatF(f, -1);
}

/** json.Marshal (indent "" = compact) over Go bytes; returns Go bytes. */
export function marshalJson(v: GoValue, escapeHTML: boolean, indent = "", prefix = ""): string {
  const nl = indent ? "\n" + prefix : "";
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (isInt(v)) return intOf(v).toString();
  if (typeof v === "number") return jsonFloat(v);
  if (typeof v === "string") return jsonString(v, escapeHTML);
  if (v instanceof GoTime) return jsonString(new Date(v.ms).toISOString().replace(".000Z", "Z"), escapeHTML);
  const inner = prefix + indent;
  if (v instanceof GoStruct) {
    if (v.type.json) return marshalJson(v.type.json(v), escapeHTML, indent, prefix);
    // Exported fields, in declaration order.
    const names = v.type.fields.filter((f) => f.exported).map((f) => f.name);
    if (names.length === 0) return "{}";
    const body = boundedJoin(names, ",", (k) => `${indent ? "\n" + inner : ""}${jsonString(k, escapeHTML)}:${indent ? " " : ""}${marshalJson(v.get(k), escapeHTML, indent, inner)}`);
    return `{${body}${nl}}`;
  }
  if (v instanceof GoMap) {
    if (v.m.size === 0) return "{}";
    const body = boundedJoin(v.sortedKeys(), ",", (k) => `${indent ? "\n" + inner : ""}${jsonString(k, escapeHTML)}:${indent ? " " : ""}${marshalJson(v.m.get(k)!, escapeHTML, indent, inner)}`);
    return `{${body}${nl}}`;
  }
  if (v.length === 0) return "[]";
  return `[${boundedJoin(v, ",", (item) => `${indent ? "\n" + inner : ""}${marshalJson(item, escapeHTML, indent, inner)}`)}${nl}]`;
}

/** json.Unmarshal into interface{}: numbers become float64; undefined on a syntax error. */
export function unmarshalJson(bin: string): { value: GoValue } | { error: string } {
  try {
    return { value: fromPlain(JSON.parse(fromBin(bin))) };
  } catch (err) {
    return { error: err instanceof Error ? err.message.replace(/^Unexpected/, "invalid character") : "invalid JSON" };
  }
}
