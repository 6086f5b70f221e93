// Go's time.Parse for Sprig's toDate/mustToDate, in UTC (the engine's only zone): the layout is read in Go's
// reference-time chunks (nextStdChunk's longest-first order) and the value is matched chunk by chunk with
// Go's widths, ranges and error texts. Written by hand: no npm date library speaks Go layouts. A numeric zone
// offset moves the instant to UTC (the engine keeps no zone); a zone name is accepted and ignored, as Go
// does for abbreviations it does not know. Linear in the value: each chunk consumes what it matched.

import { goQuote } from "./fmt.ts";

export const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
export const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Milliseconds of Go's zero time, 0001-01-01 00:00:00 UTC. */
export const ZERO_TIME_MS = -62_135_596_800_000;

// Longest first where one chunk is a prefix of another, as Go's nextStdChunk decides.
const CHUNKS = [
  "January", "Monday", "2006", "-07:00:00", "-0700", "-07:00", "-07", "Z07:00:00", "Z0700", "Z07:00", "Z07",
  ".000000000", ".999999999", ".00000000", ".99999999", ".0000000", ".9999999", ".000000", ".999999", ".00000", ".99999", ".0000", ".9999", ".000", ".999", ".00", ".99", ".0", ".9",
  "Jan", "Mon", "MST", "002", "01", "02", "_2", "03", "04", "05", "06", "15", "PM", "pm", "1", "2", "3", "4", "5",
];

export type ParsedTime = { ok: true; ms: number } | { ok: false; error: string };

const quote = (s: string) => goQuote(s);

/** Up to `max` leading digits (at least one; exactly `max` when `fixed`). */
function digits(value: string, max: number, fixed: boolean): { n: number; rest: string } | undefined {
  let i = 0;
  while (i < max && i < value.length && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++;
  if (i === 0 || (fixed && i !== max)) return undefined;
  return { n: Number(value.slice(0, i)), rest: value.slice(i) };
}

function lookup(names: string[], value: string, short: boolean): { index: number; rest: string } | undefined {
  for (const [index, full] of names.entries()) {
    const name = short ? full.slice(0, 3) : full;
    if (value.length >= name.length && value.slice(0, name.length).toLowerCase() === name.toLowerCase()) return { index, rest: value.slice(name.length) };
  }
  return undefined;
}

const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (month: number, year: number) => (month === 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!);

/** Splits a layout into literal text and chunks. */
function chunksOf(layout: string): Array<{ lit: string } | { chunk: string }> {
  const out: Array<{ lit: string } | { chunk: string }> = [];
  let lit = "";
  outer: for (let i = 0; i < layout.length; ) {
    for (const chunk of CHUNKS) {
      if (!layout.startsWith(chunk, i)) continue;
      // ".000" is a fraction only after a seconds field in Go when followed by a non-digit; we keep Go's rule that
      // it must not run into more digits.
      if (chunk.startsWith(".") && /[0-9]/.test(layout[i + chunk.length] ?? "")) continue;
      if (lit) out.push({ lit });
      lit = "";
      out.push({ chunk });
      i += chunk.length;
      continue outer;
    }
    lit += layout[i];
    i++;
  }
  if (lit) out.push({ lit });
  return out;
}

/** Go's skip: the layout's literal text, where a run of spaces matches any run of spaces (none at the end). */
function skipLiteral(value: string, literal: string): string | undefined {
  let v = 0;
  for (let p = 0; p < literal.length; ) {
    if (literal[p] === " ") {
      if (v < value.length && value[v] !== " ") return undefined;
      while (p < literal.length && literal[p] === " ") p++;
      while (v < value.length && value[v] === " ") v++;
      continue;
    }
    if (v >= value.length || value[v] !== literal[p]) return undefined;
    p++;
    v++;
  }
  return value.slice(v);
}

export function parseGoTime(layout: string, input: string): ParsedTime {
  const fail = (rest: string, elem: string): ParsedTime => ({ ok: false, error: `parsing time ${quote(input)} as ${quote(layout)}: cannot parse ${quote(rest)} as ${quote(elem)}` });
  let year = 0, month = 1, day = 1, hour = 0, min = 0, sec = 0, ms = 0, yday = -1, pm: boolean | undefined, offsetMin = 0;
  let value = input;
  let range: string | undefined;
  const parts = chunksOf(layout);
  for (const [index, part] of parts.entries()) {
    if ("lit" in part) {
      const rest = skipLiteral(value, part.lit);
      if (rest === undefined) return fail(value, part.lit);
      value = rest;
      continue;
    }
    const chunk = part.chunk;
    const before = value;
    const num = (max: number, fixed: boolean, lo: number, hi: number, name: string): number | undefined => {
      const d = digits(value, max, fixed);
      if (!d) return undefined;
      value = d.rest;
      if (d.n < lo || d.n > hi) range ??= name;
      return d.n;
    };
    let got: number | undefined;
    switch (chunk) {
      case "2006":
        got = num(4, true, 0, 9999, "year");
        if (got !== undefined) year = got;
        break;
      case "06":
        got = num(2, true, 0, 99, "year");
        if (got !== undefined) year = got >= 69 ? got + 1900 : got + 2000;
        break;
      case "January":
      case "Jan": {
        const m = lookup(MONTHS, value, chunk === "Jan");
        if (m) {
          month = m.index + 1;
          value = m.rest;
          got = month;
        }
        break;
      }
      case "Monday":
      case "Mon": {
        const d = lookup(DAYS, value, chunk === "Mon");
        if (d) {
          value = d.rest;
          got = d.index;
        }
        break;
      }
      case "01":
      case "1":
        got = num(2, chunk === "01", 1, 12, "month");
        if (got !== undefined) month = got;
        break;
      case "02":
      case "2":
      case "_2":
        if (chunk === "_2" && value.startsWith(" ")) value = value.slice(1);
        got = num(2, chunk === "02", 1, 31, "day");
        if (got !== undefined) day = got;
        break;
      case "002":
        got = num(3, true, 1, 366, "day-of-year");
        if (got !== undefined) yday = got;
        break;
      case "15":
        got = num(2, false, 0, 23, "hour");
        if (got !== undefined) hour = got;
        break;
      case "03":
      case "3":
        got = num(2, chunk === "03", 0, 12, "hour");
        if (got !== undefined) hour = got;
        break;
      case "04":
      case "4":
        got = num(2, chunk === "04", 0, 59, "minute");
        if (got !== undefined) min = got;
        break;
      case "05":
      case "5":
        got = num(2, chunk === "05", 0, 59, "second");
        if (got !== undefined) {
          sec = got;
          // Go takes a fraction after the seconds even when the layout has none.
          const frac = /^[.,][0-9]+/.exec(value);
          const next = parts[index + 1];
          if (frac && !(next && "chunk" in next && next.chunk.startsWith("."))) {
            ms = Math.floor(Number(`0.${frac[0].slice(1)}`) * 1000);
            value = value.slice(frac[0].length);
          }
        }
        break;
      case "PM":
      case "pm": {
        const p = value.slice(0, 2);
        if (p === (chunk === "PM" ? "PM" : "pm") || p === (chunk === "PM" ? "AM" : "am")) {
          pm = p.toLowerCase() === "pm";
          value = value.slice(2);
          got = 1;
        }
        break;
      }
      case "MST": {
        const z = /^(?:UTC|GMT(?:[+-]\d{1,2})?|[A-Z]{3,5}|ChST|MeST)/.exec(value);
        if (z) {
          value = value.slice(z[0].length);
          got = 1;
        }
        break;
      }
      default:
        if (chunk.startsWith(".")) {
          const frac = /^[.,]([0-9]+)/.exec(value);
          const fixed = chunk[1] === "0";
          if (frac && (!fixed || frac[1]!.length === chunk.length - 1)) {
            ms = Math.floor(Number(`0.${frac[1]}`) * 1000);
            value = value.slice(frac[0].length);
            got = 1;
          } else if (!fixed && !frac) got = 1;
        } else {
          // Zone offsets: Z… accepts "Z" for UTC; the rest are ±hh[[:]mm[[:]ss]] as the chunk spells them.
          if (chunk.startsWith("Z") && value.startsWith("Z")) {
            value = value.slice(1);
            got = 1;
            break;
          }
          const shape = chunk.replace(/^Z/, "-");
          const re = { "-07:00:00": /^([+-])(\d\d):(\d\d):(\d\d)/, "-0700": /^([+-])(\d\d)(\d\d)/, "-07:00": /^([+-])(\d\d):(\d\d)/, "-07": /^([+-])(\d\d)/ }[shape];
          const m = re?.exec(value);
          if (m) {
            const sign = m[1] === "-" ? -1 : 1;
            offsetMin = sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
            value = value.slice(m[0].length);
            got = 1;
          }
        }
    }
    if (got === undefined) return fail(before, chunk);
    if (range) return { ok: false, error: `parsing time ${quote(input)}: ${range} out of range` };
  }
  if (value !== "") return { ok: false, error: `parsing time ${quote(input)}: extra text: ${quote(value)}` };
  if (pm === true && hour < 12) hour += 12;
  if (pm === false && hour === 12) hour = 0;
  if (yday >= 0) {
    // Counted in a year of the same kind (2000 is leap, 2001 is not).
    const leap = isLeap(year);
    if (yday > (leap ? 366 : 365)) return { ok: false, error: `parsing time ${quote(input)}: day-of-year out of range` };
    const pick = new Date(Date.UTC(leap ? 2000 : 2001, 0, 1) + (yday - 1) * 86_400_000);
    month = pick.getUTCMonth() + 1;
    day = pick.getUTCDate();
  }
  if (day > daysIn(month, year)) return { ok: false, error: `parsing time ${quote(input)}: day out of range` };
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, min, sec, ms);
  return { ok: true, ms: date.getTime() - offsetMin * 60_000 };
}
