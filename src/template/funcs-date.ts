// Sprig's date functions for UTC (the operator's zone): now, date, dateInZone (UTC only), htmlDate,
// toDate (Go layouts), unixEpoch, duration, dateModify, durationRound, ago; times format with Go's
// reference-time layouts.
import { fn, GoError, perByte, type FuncMap } from "./func-types.ts";
import { toInt64 } from "./convert.ts";
import { parseGoDuration } from "./go-duration.ts";
import { DAYS, MONTHS, parseGoTime, ZERO_TIME_MS } from "./go-time-parse.ts";
import { formatGoDuration } from "./go-duration.ts";

/** strconv.ParseInt(s, 10, 64) as Sprig uses it, ignoring the error: out-of-range text gives the clamped value, bad syntax 0. */
function parseDecimalInt64(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) return 0n;
  const v = BigInt(s);
  const max = 2n ** 63n - 1n;
  return v > max ? max : v < -max - 1n ? -max - 1n : v;
}
import { GoTime, Int64, intOf, isInt, type GoValue } from "./values.ts";

const p2 = (n: number) => String(n).padStart(2, "0");

// Longest tokens first, as Go's nextStdChunk matches them.
const TOKENS: [string, (d: Date, ns: number) => string][] = [
  ["January", (d) => MONTHS[d.getUTCMonth()]!],
  ["Monday", (d) => DAYS[d.getUTCDay()]!],
  ["2006", (d) => String(d.getUTCFullYear()).padStart(4, "0")],
  ["-07:00:00", () => "+00:00:00"], ["-0700", () => "+0000"], ["-07:00", () => "+00:00"], ["-07", () => "+00"],
  ["Z07:00", () => "Z"], ["Z0700", () => "Z"], ["Z07", () => "Z"],
  [".000000000", (_d, ns) => "." + String(ns).padStart(9, "0")],
  [".999999999", (_d, ns) => (ns ? "." + String(ns).padStart(9, "0").replace(/0+$/, "") : "")],
  [".000000", (_d, ns) => "." + String(ns).padStart(9, "0").slice(0, 6)],
  [".000", (_d, ns) => "." + String(ns).padStart(9, "0").slice(0, 3)],
  ["Jan", (d) => MONTHS[d.getUTCMonth()]!.slice(0, 3)],
  ["Mon", (d) => DAYS[d.getUTCDay()]!.slice(0, 3)],
  ["MST", () => "UTC"],
  ["002", (d) => String(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1).padStart(3, "0")],
  ["01", (d) => p2(d.getUTCMonth() + 1)], ["02", (d) => p2(d.getUTCDate())], ["_2", (d) => String(d.getUTCDate()).padStart(2, " ")],
  ["03", (d) => p2(d.getUTCHours() % 12 || 12)], ["04", (d) => p2(d.getUTCMinutes())], ["05", (d) => p2(d.getUTCSeconds())],
  ["06", (d) => p2(d.getUTCFullYear() % 100)], ["15", (d) => p2(d.getUTCHours())],
  ["PM", (d) => (d.getUTCHours() >= 12 ? "PM" : "AM")], ["pm", (d) => (d.getUTCHours() >= 12 ? "pm" : "am")],
  ["1", (d) => String(d.getUTCMonth() + 1)], ["2", (d) => String(d.getUTCDate())], ["3", (d) => String(d.getUTCHours() % 12 || 12)],
  ["4", (d) => String(d.getUTCMinutes())], ["5", (d) => String(d.getUTCSeconds())],
];

export function formatTime(t: GoTime, layout: string): string {
  const d = new Date(t.ms);
  const ns = (((t.ms % 1000) + 1000) % 1000) * 1e6;
  let out = "";
  let i = 0;
  outer: while (i < layout.length) {
    for (const [tok, f] of TOKENS) {
      if (layout.startsWith(tok, i)) {
        out += f(d, ns);
        i += tok.length;
        continue outer;
      }
    }
    out += layout[i];
    i++;
  }
  return out;
}

/** Sprig's date functions switch on int and int64 only: a uint64 (semver's parts) falls to their default. */
const isSignedInt = (v: GoValue): v is bigint | Int64 => typeof v === "bigint" || v instanceof Int64;

function asTime(v: GoValue): GoTime {
  if (v instanceof GoTime) return v;
  if (isSignedInt(v)) return new GoTime(Number(intOf(v)) * 1000);
  return new GoTime(Date.now());
}

function dateInZone(layout: string, date: GoValue, zone: string): string {
  if (zone !== "UTC" && zone !== "Local" && zone !== "") throw new GoError(`unsupported time zone ${zone} (only UTC)`);
  return formatTime(asTime(date), layout);
}

function toDate(layout: string, s: string): GoTime | undefined {
  const parsed = parseGoTime(layout, s);
  return parsed.ok ? new GoTime(parsed.ms) : undefined;
}

/** time.Duration.String for whole seconds. */
function durationString(seconds: bigint): string {
  if (seconds === 0n) return "0s";
  const neg = seconds < 0n;
  let s = neg ? -seconds : seconds;
  const h = s / 3600n;
  s %= 3600n;
  const m = s / 60n;
  s %= 60n;
  const out = h > 0n ? `${h}h${m}m${s}s` : m > 0n ? `${m}m${s}s` : `${s}s`;
  return (neg ? "-" : "") + out;
}

/** A time moved by a Go duration (to the millisecond: the engine's times carry no finer part). */
const plus = (t: GoTime, ns: bigint): GoTime => new GoTime(t.ms + Number(ns / 1_000_000n));

/** Sprig's dateModify: the date moved by a Go duration, or unchanged when the duration does not parse. */
function dateModify(duration: string, t: GoTime): GoTime {
  const d = parseGoDuration(duration);
  return "ns" in d ? plus(t, d.ns) : t;
}

function mustDateModify(duration: string, t: GoTime): GoTime {
  const d = parseGoDuration(duration);
  if ("error" in d) throw new GoError(d.error);
  return plus(t, d.ns);
}

const NS = { y: 365n * 86_400n * 10n ** 9n, mo: 30n * 86_400n * 10n ** 9n, d: 86_400n * 10n ** 9n, h: 3_600n * 10n ** 9n, m: 60n * 10n ** 9n, s: 10n ** 9n };

/** Sprig's durationRound: the largest whole unit (y = 365 days, mo = 30 days, d, h, m, s) strictly exceeded by
 *  |d|, without a sign. A string is a Go duration (0 when it does not parse), an int64 nanoseconds, a time the
 *  time since; anything else (an int literal too) is 0. */
function durationRound(v: GoValue): string {
  let d = 0n;
  if (typeof v === "string") {
    const r = parseGoDuration(v);
    d = "ns" in r ? r.ns : 0n;
  } else if (v instanceof Int64) d = v.v;
  else if (v instanceof GoTime) d = BigInt(Date.now() - v.ms) * 1_000_000n;
  const u = d < 0n ? BigInt.asUintN(64, -d) : d;
  for (const [unit, ns] of Object.entries(NS)) if (u > ns) return `${u / ns}${unit}`;
  return "0s";
}

/** Sprig's ago: time.Since(t) rounded to the second (halves away from zero), as Duration.String. */
function ago(v: GoValue): string {
  const t = v instanceof GoTime ? v.ms : isSignedInt(v) ? Number(intOf(v)) * 1000 : Date.now();
  const ms = Date.now() - t;
  return durationString(BigInt(Math.sign(ms) * Math.round(Math.abs(ms) / 1000)));
}

export const dateFuncs: FuncMap = {
  now: fn([], () => new GoTime(Date.now())),
  date: perByte(2, fn(["string", "any"], (layout: string, d: GoValue) => dateInZone(layout, d, "UTC"))),
  dateInZone: perByte(2, fn(["string", "any", "string"], dateInZone)),
  date_in_zone: perByte(2, fn(["string", "any", "string"], dateInZone)),
  htmlDate: perByte(2, fn(["any"], (d: GoValue) => dateInZone("2006-01-02", d, "UTC"))),
  htmlDateInZone: perByte(2, fn(["any", "string"], (d: GoValue, z: string) => dateInZone("2006-01-02", d, z))),
  toDate: fn(["string", "string"], (layout: string, s: string) => toDate(layout, s) ?? new GoTime(ZERO_TIME_MS)),
  mustToDate: fn(["string", "string"], (layout: string, s: string) => {
    const parsed = parseGoTime(layout, s);
    if (!parsed.ok) throw new GoError(parsed.error);
    return new GoTime(parsed.ms);
  }),
  unixEpoch: fn(["any"], (d: GoValue) => {
    if (!(d instanceof GoTime)) throw new GoError("wrong type for value; expected time.Time");
    return String(Math.floor(d.ms / 1000));
  }),
  // Sprig's duration switches on string (strconv.ParseInt base 10, its clamped value on overflow, 0 on bad
  // syntax) and int64 only: an int literal is 0s. The seconds become a time.Duration, wrapping as in Go.
  duration: fn(["any"], (v: GoValue) => formatGoDuration((v instanceof Int64 ? v.v : typeof v === "string" ? parseDecimalInt64(v) : 0n) * 1_000_000_000n)),
  dateModify: fn(["string", "time"], dateModify),
  date_modify: fn(["string", "time"], dateModify),
  mustDateModify: fn(["string", "time"], mustDateModify),
  must_date_modify: fn(["string", "time"], mustDateModify),
  durationRound: fn(["any"], durationRound),
  ago: fn(["any"], ago),
};
