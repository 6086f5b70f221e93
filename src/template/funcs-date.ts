// Sprig's date functions for UTC (the operator's zone): now, date, dateInZone (UTC only), htmlDate,
// toDate (Go layouts), unixEpoch, duration; times format with Go's reference-time layouts.
import { fn, GoError, perByte, type FuncMap } from "./func-types.ts";
import { toInt64 } from "./convert.ts";
import { GoTime, intOf, isInt, type GoValue } from "./values.ts";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
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

function asTime(v: GoValue): GoTime {
  if (v instanceof GoTime) return v;
  if (isInt(v)) return new GoTime(Number(intOf(v)) * 1000);
  return new GoTime(Date.now());
}

function dateInZone(layout: string, date: GoValue, zone: string): string {
  if (zone !== "UTC" && zone !== "Local" && zone !== "") throw new GoError(`unsupported time zone ${zone} (only UTC)`);
  return formatTime(asTime(date), layout);
}

function toDate(layout: string, s: string): GoTime | undefined {
  // Supports the layouts people use: RFC 3339 and date-only.
  if (layout === "2006-01-02" && /^\d{4}-\d{2}-\d{2}$/.test(s)) return new GoTime(Date.parse(s + "T00:00:00Z"));
  if (layout === "2006-01-02T15:04:05Z07:00" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return new GoTime(Date.parse(s));
  return undefined;
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

export const dateFuncs: FuncMap = {
  now: fn([], () => new GoTime(Date.now())),
  date: perByte(2, fn(["string", "any"], (layout: string, d: GoValue) => dateInZone(layout, d, "UTC"))),
  dateInZone: perByte(2, fn(["string", "any", "string"], dateInZone)),
  date_in_zone: perByte(2, fn(["string", "any", "string"], dateInZone)),
  htmlDate: perByte(2, fn(["any"], (d: GoValue) => dateInZone("2006-01-02", d, "UTC"))),
  htmlDateInZone: perByte(2, fn(["any", "string"], (d: GoValue, z: string) => dateInZone("2006-01-02", d, z))),
  toDate: fn(["string", "string"], (layout: string, s: string) => toDate(layout, s) ?? new GoTime(Date.UTC(1, 0, 1) - 0)),
  mustToDate: fn(["string", "string"], (layout: string, s: string) => {
    const t = toDate(layout, s);
    if (!t) throw new GoError(`parsing time ${JSON.stringify(s)} as ${JSON.stringify(layout)}: cannot parse`);
    return t;
  }),
  unixEpoch: fn(["any"], (d: GoValue) => {
    if (!(d instanceof GoTime)) throw new GoError("wrong type for value; expected time.Time");
    return String(Math.floor(d.ms / 1000));
  }),
  duration: fn(["any"], (v: GoValue) => durationString(toInt64(v))),
};
