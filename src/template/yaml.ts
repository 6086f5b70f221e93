// ESO's toYaml/fromYaml (sigs.k8s.io/yaml): toYaml goes JSON -> yaml.v2, so it prints what yaml.v2 prints
// (sorted keys in yaml.v2's natural order, unindented lists, quoting for strings that would resolve to
// something else, literal blocks for multi-line strings); fromYaml reads YAML 1.1 into JSON-typed values.
import YAML from "yaml";
import { formatG } from "./fmt-number.ts";
import { fromBin, toBin, validUtf8 } from "./gostr.ts";
import { marshalJson } from "./json.ts";
import { GoMap, fromPlain, type GoValue } from "./values.ts";

type Y = null | boolean | string | { num: string } | Y[] | Map<string, Y>;

/** yaml.v2's view of the JSON document: numbers keep their JSON text. */
function fromJsonText(text: string): Y {
  const parsed = JSON.parse(text, (_k, v, ctx?: { source?: string }) => (typeof v === "number" ? { num: ctx?.source ?? String(v) } : v)) as unknown;
  const conv = (v: unknown): Y => {
    if (v === null || typeof v === "boolean" || typeof v === "string") return v;
    if (Array.isArray(v)) return v.map(conv);
    if (typeof v === "object" && v !== null && "num" in v && Object.keys(v).length === 1 && typeof (v as { num: unknown }).num === "string") return v as { num: string };
    return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, conv(x)]));
  };
  return conv(parsed);
}

const isDigit = (c: string) => /\p{Nd}/u.test(c);
const isLetter = (c: string) => /\p{L}/u.test(c);

/** yaml.v2 keyList.Less for string keys (v2's, not v3's digit-aware variant). */
function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

const RESOLVES = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|\.inf|\.Inf|\.INF|[-+]\.inf|[-+]\.Inf|[-+]\.INF|\.nan|\.NaN|\.NAN|<<)$/;
const NUMERIC = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?0b[01_]+$|^[-+]?0x[0-9a-fA-F_]+$|^[-+]?0[0-7_]+$|^[-+]?[0-9][0-9_]*$|^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;

/** yaml.v2's is_printable: tab/LF excluded here; BMP only (4-byte UTF-8 is "special"), no U+FEFF. */
const printable = (s: string): boolean => !/[^\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]/u.test(s);

function plainAllowed(s: string): boolean {
  if (s === "" || s !== s.trim() || /[\n\r\t]/.test(s)) return false;
  if (/^(---|\.\.\.)(\s|$)/.test(s)) return false; // document markers
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !(/^[-?:]/.test(s) && s.length > 1 && s[1] !== " ")) return false;
  if (/: |:$| #/.test(s)) return false;
  if (!printable(s)) return false;
  return true;
}

function scalar(s: string, indent: string): string {
  if (RESOLVES.test(s) || NUMERIC.test(s) || s === "") return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  // Literal block unless a space ends a line or the text (yaml.v2's space_break / trailing_space); a
  // leading space or break needs the indentation indicator.
  if (s.includes("\n") && printable(s.replace(/\n/g, "")) && !/ \n/.test(s) && !s.endsWith(" ")) {
    const chomp = s.endsWith("\n") ? (s.endsWith("\n\n") ? "+" : "") : "-";
    const hint = /^[ \n]/.test(s) ? "2" : "";
    const body = (chomp === "-" ? s : s.replace(/\n$/, "")).split("\n").map((l) => (l === "" ? "" : indent + l));
    return `|${hint}${chomp}\n${body.join("\n")}`;
  }
  if (plainAllowed(s)) return s;
  if (!/[\n\r]/.test(s) && printable(s)) return `'${s.replace(/'/g, "''")}'`;
  return doubleQuoted(s);
}

/** yaml.v2's double-quoted style: YAML escapes (\L, \P, \N, \_, \e ...) for what is not printable. */
function doubleQuoted(s: string): string {
  const named: Record<string, string> = { "\0": "\\0", "\x07": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\u0085": "\\N", "\u00a0": "\\_", "\u2028": "\\L", "\u2029": "\\P" };
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (named[ch]) out += named[ch];
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out += `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (cp > 0xffff) out += `\\U${cp.toString(16).toUpperCase().padStart(8, "0")}`;
    else if (cp === 0xfeff || (cp >= 0xd800 && cp < 0xe000) || cp === 0xfffe || cp === 0xffff) out += `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}

/** yaml.v2 folds plain scalars at a space once the line is past 80 columns (best_width). */
function foldPlain(text: string, column: number, indent: string): string {
  let out = "";
  let col = column;
  const chars = [...text];
  chars.forEach((ch, i) => {
    if (ch === " " && chars[i - 1] !== " " && col > 80 && chars[i + 1] !== " ") {
      out += "\n" + indent;
      col = indent.length;
      return;
    }
    out += ch;
    col++;
  });
  return out;
}

function numberText(text: string): string {
  if (/^-?[0-9]+$/.test(text) && Math.abs(Number(text)) < 2 ** 63) return String(BigInt(text));
  return formatG(Number(text));
}

function emit(v: Y, indent: string, out: string[], inSeq: boolean): void {
  void inSeq;
  if (v instanceof Map) {
    const keys = [...v.keys()].sort((a, b) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
    keys.forEach((k, i) => {
      const val = v.get(k)!;
      const prefix = i === 0 && out.length > 0 && out[out.length - 1]!.endsWith("- ") ? "" : indent;
      const key = scalar(k, indent);
      if (val instanceof Map && val.size > 0) {
        out.push(`${prefix}${key}:\n`);
        emit(val, indent + "  ", out, false);
      } else if (Array.isArray(val) && val.length > 0) {
        out.push(`${prefix}${key}:\n`);
        emit(val, indent, out, false);
      } else {
        const text = inline(val, indent + "  ");
        const plain = typeof val === "string" && text === val;
        const lineStart = prefix === "" ? (out[out.length - 1]?.length ?? 0) : 0;
        out.push(`${prefix}${key}: ${plain ? foldPlain(text, lineStart + prefix.length + key.length + 2, indent + "  ") : text}\n`);
      }
    });
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) {
      const prefix = out.length > 0 && out[out.length - 1]!.endsWith("- ") ? "" : indent;
      if ((item instanceof Map && item.size > 0) || (Array.isArray(item) && item.length > 0)) {
        out.push(`${prefix}- `);
        emit(item, indent + "  ", out, true);
      } else {
        const text = inline(item, indent + "  ");
        const plain = typeof item === "string" && text === item;
        out.push(`${prefix}- ${plain ? foldPlain(text, indent.length + 2, indent + "  ") : text}\n`);
      }
    }
    return;
  }
  out.push(`${inline(v, indent)}\n`);
}

function inline(v: Y, indent: string): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "string") return scalar(v, indent);
  if (v instanceof Map) return "{}";
  if (Array.isArray(v)) return "[]";
  return numberText(v.num);
}

export function toYaml(v: GoValue): string {
  let json: string;
  try {
    json = marshalJson(v, false);
  } catch {
    return "";
  }
  if (!validUtf8(json)) return "";
  // yaml.v2 re-reads the JSON as YAML and rejects characters a YAML stream may not contain: toYaml gives "".
  if (/[\x7f-\x84\x86-\x9f\ufffe\uffff]/u.test(fromBin(json))) return "";
  const out: string[] = [];
  const doc = fromJsonText(fromBin(json));
  if ((doc instanceof Map && doc.size === 0) || (Array.isArray(doc) && doc.length === 0)) return doc instanceof Map ? "{}" : "[]";
  emit(doc, "", out, false);
  return toBin(out.join("").replace(/\n$/, ""));
}

/** yaml.v2 needs a digit before a float's point or exponent ("." and "e8" are strings); the yaml package's
 *  1.1 float tags do not, so their tests get that lookahead. */
const strictFloat = (tags: YAML.Tags): YAML.Tags =>
  tags.map((t) => {
    const test = typeof t === "object" && t.tag === "tag:yaml.org,2002:float" ? (t as { test?: RegExp }).test : undefined;
    if (!test || !(test.test(".") || test.test("e8"))) return t;
    const body = test.source.replace(/^\^/, "").replace(/\$$/, ""); // the yaml package's own pattern, not user text
    return { ...(t as object), test: new RegExp(`^(?=[-+]?\\.?[0-9])(?:${body})$`, test.flags) } as YAML.Tags[number];
  });

export function fromYaml(s: string): GoValue {
  try {
    const doc = YAML.parse(fromBin(s), { version: "1.1", merge: true, customTags: strictFloat }) as unknown;
    if (doc === null || doc === undefined) return new GoMap();
    if (typeof doc !== "object" || Array.isArray(doc)) {
      return new GoMap([["Error", toBin(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(doc) ? "array" : typeof doc === "boolean" ? "bool" : typeof doc} into Go value of type map[string]interface {}`)]]);
    }
    return fromPlain(JSON.parse(JSON.stringify(doc)));
  } catch (err) {
    return new GoMap([["Error", toBin(`error converting YAML to JSON: ${err instanceof Error ? err.message.split("\n")[0] : "invalid YAML"}`)]]);
  }
}
