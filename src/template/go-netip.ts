// netip.ParseAddr as Go's net/url uses it on a bracketed host: only the verdict (IPv4, IPv6 or the error,
// with Go's text) matters there, so the address itself is not built.
import { goQuote } from "./fmt.ts";
import { fromBin } from "./gostr.ts";

export class ParseAddrError extends Error {}

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const q = (bin: string): string => fromBin(goQuote(bin));

/** netip.ParseAddr's verdict on a bracketed host: the error, or whether it is IPv4 (4 bytes). */
export function parseAddr(s: string): "v4" | "v6" {
  const fail = (msg: string, at?: string): never => {
    throw new ParseAddrError(`ParseAddr(${q(s)}): ${msg}${at !== undefined && at !== "" ? ` (at ${q(at)})` : ""}`);
  };
  const v4 = (str: string, off: number, end: number): void => {
    const f = str.slice(off, end);
    let val = 0;
    let pos = 0;
    let digLen = 0;
    for (let i = 0; i < f.length; i++) {
      const c = f[i]!;
      if (c >= "0" && c <= "9") {
        if (digLen === 1 && val === 0) fail("IPv4 field has octet with leading zero");
        val = val * 10 + (c.charCodeAt(0) - 48);
        digLen++;
        if (val > 255) fail("IPv4 field has value >255");
      } else if (c === ".") {
        if (i === 0 || i === f.length - 1 || f[i - 1] === ".") fail("IPv4 field must have at least one digit", f.slice(i));
        if (pos === 3) fail("IPv4 address too long");
        pos++;
        val = 0;
        digLen = 0;
      } else fail("unexpected character", f.slice(i));
    }
    if (pos < 3) fail("IPv4 address too short");
  };
  for (const c of s) {
    if (c === ".") {
      v4(s, 0, s.length);
      return "v4";
    }
    if (c === ":") break;
    if (c === "%") fail("missing IPv6 address");
  }
  if (!s.includes(":")) fail("unable to parse IP");
  // parseIPv6
  let rest = s;
  let zone = "";
  const pct = rest.indexOf("%");
  if (pct !== -1) {
    [rest, zone] = [rest.slice(0, pct), rest.slice(pct + 1)];
    if (zone === "") fail("zone must be a non-empty string");
  }
  let ellipsis = -1;
  if (rest.startsWith("::")) {
    ellipsis = 0;
    rest = rest.slice(2);
    if (rest === "") return "v6";
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < rest.length && isHex(rest[off]); off++) {
      acc = acc * 16 + parseInt(rest[off]!, 16);
      if (off > 3) fail("each group must have 4 or less digits", rest);
      if (acc > 0xffff) fail("IPv6 field has value >=2^16", rest);
    }
    if (off === 0) fail("each colon-separated field must have at least one digit", rest);
    if (off < rest.length && rest[off] === ".") {
      if (ellipsis < 0 && i !== 12) fail("embedded IPv4 address must replace the final 2 fields of the address", rest);
      if (i + 4 > 16) fail("too many hex fields to fit an embedded IPv4 at the end of the address", rest);
      const end = s.length - (zone.length > 0 ? zone.length + 1 : 0);
      v4(s, end - rest.length, end);
      rest = "";
      i += 4;
      break;
    }
    i += 2;
    rest = rest.slice(off);
    if (rest === "") break;
    if (rest[0] !== ":") fail("unexpected character, want colon", rest);
    else if (rest.length === 1) fail("colon must be followed by more characters", rest);
    rest = rest.slice(1);
    if (rest[0] === ":") {
      if (ellipsis >= 0) fail("multiple :: in address", rest);
      ellipsis = i;
      rest = rest.slice(1);
      if (rest === "") break;
    }
  }
  if (rest !== "") fail("trailing garbage after address", rest);
  if (i < 16 && ellipsis < 0) fail("address string too short");
  if (i >= 16 && ellipsis >= 0) fail("the :: must expand to at least one field of zeros");
  return "v6";
}
