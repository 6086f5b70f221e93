// Go's time.ParseDuration, byte for byte (errors included): dateModify, mustDateModify and durationRound read
// their durations with it. Linear in the text: one pass, no regexp.
import { runes } from "./gostr.ts";

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  "\xc2\xb5s": 1000n, // U+00B5 micro sign, as Go bytes
  "\xce\xbcs": 1000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const TWO63 = 2n ** 63n;
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/** time's own quote: ASCII as is (with \" and \\), every byte of a control or non-ASCII rune as \xNN. */
function quote(bin: string): string {
  let out = '"';
  for (const r of runes(bin)) {
    const cp = r.ch.codePointAt(0)!;
    if (!r.valid || cp >= 0x80 || cp < 0x20) for (const b of Buffer.from(r.bytes, "latin1")) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += r.ch === '"' || r.ch === "\\" ? `\\${r.ch}` : r.ch;
  }
  return `${out}"`;
}

/** Nanoseconds, or Go's error text ("time: invalid duration \"x\"", "time: missing unit ...", "time: unknown unit ..."). */
export function parseGoDuration(orig: string): { ns: bigint } | { error: string } {
  const invalid = (what = "invalid duration") => ({ error: `time: ${what} ${quote(orig)}` });
  let s = orig;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return { ns: 0n };
  if (s === "") return invalid();
  let d = 0n;
  let i = 0;
  while (i < s.length) {
    if (!(s[i] === "." || isDigit(s[i]))) return invalid();
    // leadingInt: [0-9]*, failing past 2^63.
    const start = i;
    let v = 0n;
    for (; isDigit(s[i]); i++) {
      if (v > TWO63 / 10n) return invalid();
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > TWO63) return invalid();
    }
    const pre = i !== start;
    // leadingFraction: (\.[0-9]*)?, precision dropped once it would overflow.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[i] === ".") {
      i++;
      const fs = i;
      let overflow = false;
      for (; isDigit(s[i]); i++) {
        if (overflow) continue;
        if (f > (TWO63 - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(s.charCodeAt(i) - 48);
        if (y > TWO63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = i !== fs;
    }
    if (!pre && !post) return invalid();
    const us = i;
    while (i < s.length && !(s[i] === "." || isDigit(s[i]))) i++;
    if (i === us) return invalid("missing unit in duration");
    const u = s.slice(us, i);
    const unit = UNITS[u];
    if (unit === undefined) return invalid(`unknown unit ${quote(u)} in duration`);
    if (v > TWO63 / unit) return invalid();
    v *= unit;
    if (f > 0n) {
      // Go: uint64(float64(f) * (float64(unit) / scale)), nanosecond-accurate for fractions of hours.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO63) return invalid();
    }
    d = BigInt.asUintN(64, d + v);
    if (d > TWO63) return invalid();
  }
  if (neg) return { ns: BigInt.asIntN(64, -d) };
  if (d > TWO63 - 1n) return invalid();
  return { ns: d };
}

/** The digits of v's last `prec` decimal places without trailing zeros (".5", or "" when all zero), and v without them. */
function fraction(v: bigint, prec: number): { text: string; rest: bigint } {
  let text = "";
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    printed ||= digit !== 0n;
    if (printed) text = `${digit}${text}`;
    v /= 10n;
  }
  return { text: printed ? `.${text}` : "", rest: v };
}

/** Go's time.Duration.String for a nanosecond count (int64; wraps as Go's does). */
export function formatGoDuration(nanoseconds: bigint): string {
  const d = BigInt.asIntN(64, nanoseconds);
  const neg = d < 0n;
  let u = BigInt.asUintN(64, neg ? -d : d);
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return "0s";
    const [prec, unit] = u < 1_000n ? [0, "ns"] : u < 1_000_000n ? [3, "µs"] : [6, "ms"];
    const f = fraction(u, prec);
    out = `${f.rest}${f.text}${unit}`;
  } else {
    const f = fraction(u, 9);
    u = f.rest;
    out = `${u % 60n}${f.text}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}
