// Sprig's encoding functions (b64enc/b64dec, b32enc/b32dec, ESO's hexdec, toJson/fromJson and friends) and ESO's
// toYaml/fromYaml, with Go's exact failure results (b64dec returns the error text, fromJson nil).
import { budget, BudgetExceeded } from "./budget.ts";
import { fn, GoError, perByte, runeWise, type FuncMap } from "./func-types.ts";
import { marshalJson, unmarshalJson } from "./json.ts";
import { isPrint, toBin } from "./gostr.ts";
import { fromYaml, toYaml } from "./yaml.ts";
import type { GoValue } from "./values.ts";
import { base32Encode } from "../encoding/base32.ts";

const B64 = /^[A-Za-z0-9+/]*$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** base64.StdEncoding (or URLEncoding) .DecodeString with Go's error text ("illegal base64 data at input
 *  byte N"): padding required, \r and \n skipped, anything else outside the alphabet an error. */
export function b64decode(s: string, url = false): { ok: true; value: string } | { ok: false; error: string } {
  const alphabet = url ? B64URL : B64;
  const fail = (at: number) => ({ ok: false as const, error: `illegal base64 data at input byte ${at}` });
  // Indexes of the significant characters (Go skips \r and \n but reports offsets in the original text).
  const idx: number[] = [];
  for (let i = 0; i < s.length; i++) if (s[i] !== "\r" && s[i] !== "\n") idx.push(i);
  const chars = idx.map((i) => s[i]!);
  let body = "";
  let k = 0;
  for (; k < chars.length; k++) {
    const c = chars[k]!;
    if (c === "=") break;
    if (!alphabet.test(c)) return fail(idx[k]!);
    body += c;
  }
  if (k < chars.length) {
    // Padding: only after 2 or 3 characters of a quantum, exactly filling it, and nothing after.
    const j = body.length % 4;
    if (j < 2) return fail(idx[k]!);
    const need = 4 - j;
    for (let p = 0; p < need; p++) {
      if (k + p >= chars.length) return fail(s.length);
      if (chars[k + p] !== "=") return fail(idx[k + p]!);
    }
    if (k + need < chars.length) return fail(idx[k + need]!);
  } else if (body.length % 4 !== 0) {
    // Go reports len(input) minus the characters read of the unfinished quantum.
    return fail(s.length - (body.length % 4));
  }
  // StdEncoding is not strict: non-zero trailing bits are ignored, as Node does.
  return { ok: true, value: Buffer.from(body, url ? "base64url" : "base64").toString("latin1") };
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const b32encode = (s: string): string => base32Encode(Buffer.from(s, "latin1"));

function b32decode(s: string): string {
  const clean = s.replace(/[\r\n]/g, "");
  if (clean.length % 8 !== 0) return `illegal base32 data at input byte ${clean.length - (clean.length % 8)}`;
  const body = clean.replace(/(?<!=)=+$/, ""); // (?<!=): a bare =+$ rescans a long run of = from each start (quadratic)
  let bits = 0;
  let value = 0;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const idx = B32.indexOf(body[i]!);
    if (idx < 0) return `illegal base32 data at input byte ${i}`;
    value = ((value << 5) | idx) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out += String.fromCharCode((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return out;
}

const mustJson = (v: GoValue, html: boolean, indent = ""): string => marshalJson(v, html, indent);
/** Sprig's toJson: "" when json.Marshal fails. A budget that ran out, or a stack overflow on a value
 *  nested thousands deep (Go would print it), is not a marshalling failure. */
const lenient = (f: () => string): string => {
  try {
    return f();
  } catch (err) {
    if (err instanceof BudgetExceeded || err instanceof RangeError) throw err;
    return "";
  }
};

/** base32/base64 output length for `n` input bytes (padded): checked against the cap before encoding. */
const HEX_DIGIT = /^[0-9a-fA-F]$/;

/** hex.InvalidByteError's text: %#U of the byte as a rune, the character shown when Go calls it printable. */
function invalidHexByte(byte: number): string {
  const ch = String.fromCharCode(byte);
  return `encoding/hex: invalid byte: U+${byte.toString(16).toUpperCase().padStart(4, "0")}${isPrint(ch) ? ` '${toBin(ch)}'` : ""}`;
}

/** ESO's hexdec: hex.DecodeString, returning the decoder's error text instead of failing (pairs are checked in
 *  order; an odd trailing digit is a length error only when it is a hex digit). */
function hexdec(s: string): string {
  let out = "";
  let j = 1;
  for (; j < s.length; j += 2) {
    if (!HEX_DIGIT.test(s[j - 1]!)) return invalidHexByte(s.charCodeAt(j - 1));
    if (!HEX_DIGIT.test(s[j]!)) return invalidHexByte(s.charCodeAt(j));
    out += String.fromCharCode(parseInt(s.slice(j - 1, j + 1), 16));
  }
  if (s.length % 2 === 1) return HEX_DIGIT.test(s[j - 1]!) ? "encoding/hex: odd length hex string" : invalidHexByte(s.charCodeAt(j - 1));
  return out;
}

const encodedFits = (n: number, group: number, chars: number): void => budget().fits(Math.ceil(n / group) * chars);

export const encodingFuncs: FuncMap = {
  b64enc: fn(["string"], (s: string) => {
    encodedFits(s.length, 3, 4);
    return Buffer.from(s, "latin1").toString("base64");
  }),
  b64dec: runeWise(fn(["string"], (s: string) => {
    const r = b64decode(s);
    return r.ok ? r.value : r.error;
  })),
  b32enc: runeWise(fn(["string"], (s: string) => {
    encodedFits(s.length, 5, 8);
    return b32encode(s);
  })),
  b32dec: runeWise(fn(["string"], b32decode)),
  hexdec: fn(["string"], hexdec),
  toJson: runeWise(fn(["any"], (v: GoValue) => lenient(() => mustJson(v, true)))),
  mustToJson: runeWise(fn(["any"], (v: GoValue) => mustJson(v, true))),
  toPrettyJson: runeWise(fn(["any"], (v: GoValue) => lenient(() => mustJson(v, true, "  ")))),
  mustToPrettyJson: runeWise(fn(["any"], (v: GoValue) => mustJson(v, true, "  "))),
  toRawJson: runeWise(fn(["any"], (v: GoValue) => mustJson(v, false))),
  mustToRawJson: runeWise(fn(["any"], (v: GoValue) => mustJson(v, false))),
  fromJson: fn(["string"], (s: string) => {
    const r = unmarshalJson(s);
    return "value" in r ? r.value : null;
  }),
  mustFromJson: fn(["string"], (s: string) => {
    const r = unmarshalJson(s);
    if ("error" in r) throw new GoError(r.error);
    return r.value;
  }),
  toYaml: perByte(4, fn(["any"], toYaml)),
  fromYaml: perByte(32, fn(["string"], fromYaml)),
};
