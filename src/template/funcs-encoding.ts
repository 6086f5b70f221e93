// Sprig's encoding functions (b64enc/b64dec, b32enc/b32dec, toJson/fromJson and friends) and ESO's
// toYaml/fromYaml, with Go's exact failure results (b64dec returns the error text, fromJson nil).
import { fn, GoError, type FuncMap } from "./func-types.ts";
import { marshalJson, unmarshalJson } from "./json.ts";
import { fromYaml, toYaml } from "./yaml.ts";
import type { GoValue } from "./values.ts";

const B64 = /^[A-Za-z0-9+/]*$/;

/** base64.StdEncoding.DecodeString with Go's error text ("illegal base64 data at input byte N"). */
export function b64decode(s: string): { ok: true; value: string } | { ok: false; error: string } {
  const clean = s.replace(/[\r\n]/g, "");
  const body = clean.replace(/=+$/, "");
  const pads = clean.length - body.length;
  for (let i = 0; i < body.length; i++) {
    if (!B64.test(body[i]!)) return { ok: false, error: `illegal base64 data at input byte ${s.indexOf(body[i]!) >= 0 ? positionIn(s, i) : i}` };
  }
  const rem = body.length % 4;
  if (rem === 1 || (pads > 0 && (body.length + pads) % 4 !== 0) || (pads === 0 && rem !== 0) || pads > 2) {
    const at = rem === 1 ? body.length - 1 : body.length;
    return { ok: false, error: `illegal base64 data at input byte ${positionIn(s, Math.min(at, body.length))}` };
  }
  const bytes = Buffer.from(body, "base64");
  // Go rejects non-canonical trailing bits.
  if (Buffer.from(bytes.toString("base64").replace(/=+$/, ""), "latin1").toString() !== body) return { ok: false, error: `illegal base64 data at input byte ${positionIn(s, body.length - 1)}` };
  return { ok: true, value: bytes.toString("latin1") };
}

/** Maps an index in the newline-stripped text back to the original text. */
function positionIn(s: string, cleanIndex: number): number {
  let seen = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\r" || s[i] === "\n") continue;
    if (seen === cleanIndex) return i;
    seen++;
  }
  return s.length;
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function b32encode(s: string): string {
  const bytes = Buffer.from(s, "latin1");
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

function b32decode(s: string): string {
  const clean = s.replace(/[\r\n]/g, "");
  if (clean.length % 8 !== 0) return `illegal base32 data at input byte ${clean.length - (clean.length % 8)}`;
  const body = clean.replace(/=+$/, "");
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
const lenient = (f: () => string): string => {
  try {
    return f();
  } catch {
    return "";
  }
};

export const encodingFuncs: FuncMap = {
  b64enc: fn(["string"], (s: string) => Buffer.from(s, "latin1").toString("base64")),
  b64dec: fn(["string"], (s: string) => {
    const r = b64decode(s);
    return r.ok ? r.value : r.error;
  }),
  b32enc: fn(["string"], b32encode),
  b32dec: fn(["string"], b32decode),
  toJson: fn(["any"], (v: GoValue) => lenient(() => mustJson(v, true))),
  mustToJson: fn(["any"], (v: GoValue) => mustJson(v, true)),
  toPrettyJson: fn(["any"], (v: GoValue) => lenient(() => mustJson(v, true, "  "))),
  mustToPrettyJson: fn(["any"], (v: GoValue) => mustJson(v, true, "  ")),
  toRawJson: fn(["any"], (v: GoValue) => mustJson(v, false)),
  mustToRawJson: fn(["any"], (v: GoValue) => mustJson(v, false)),
  fromJson: fn(["string"], (s: string) => {
    const r = unmarshalJson(s);
    return "value" in r ? r.value : null;
  }),
  mustFromJson: fn(["string"], (s: string) => {
    const r = unmarshalJson(s);
    if ("error" in r) throw new GoError(r.error);
    return r.value;
  }),
  toYaml: fn(["any"], toYaml),
  fromYaml: fn(["string"], fromYaml),
};
