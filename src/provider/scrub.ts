// The one scrubber for every message that can reach a status, an Event, a log line or the CLI's output.
// Messages are built from our own text, but some carry foreign text that may quote a value: the
// apiserver's validation errors ('Invalid value: "<the label value>"'), a template function's error, a
// provider's. Two passes:
//   1. dropQuotedValues: the value part of Kubernetes field errors is withheld (field path and reason stay);
//   2. ValueScrubber: every known value (fetched, rendered, read from templateFrom) is removed in its raw,
//      Go-quoted, JSON-escaped and base64 forms, case-insensitively, and so is any run of 8 or more bytes
//      of it (a truncated or partly re-encoded value is still a leak).
// Written by hand: no library scrubs by value; the window search below keeps it linear in the size of
// the values plus the message (a 1 MiB Secret is scanned once per failing message, not once per window).

const WITHHELD = "***";
const WINDOW = 8;
/** Shorter values are removed only when they stand whole; their windows would match ordinary words. */
const MIN_WHOLE = 4;

// Kubernetes' field.Error prints the offending value after these types (apimachinery field/errors.go).
const VALUE_TYPES = ["Invalid value: ", "Unsupported value: ", "Duplicate value: ", "Not found: "];

/** Go's strconv.Quote body for the characters that differ from JSON (control characters), else as JSON. */
function goEscaped(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\u00([0-1][0-9a-f]|7f)/g, (_, hex: string) => ({ "07": "\\a", "0b": "\\v" })[hex] ?? `\\x${hex}`);
}

/** The value of each Kubernetes field error is withheld: `metadata.labels: Invalid value: ***: a valid label ...`. */
export function dropQuotedValues(message: string): string {
  let out = "";
  let i = 0;
  while (i < message.length) {
    const at = VALUE_TYPES.map((type) => ({ type, at: message.indexOf(type, i) })).filter((m) => m.at >= 0).sort((a, b) => a.at - b.at)[0];
    if (!at) break;
    const start = at.at + at.type.length;
    out += message.slice(i, start) + WITHHELD;
    i = skipValue(message, start);
  }
  return out + message.slice(i);
}

/** Where a printed value ends: after its closing quote (Go-quoted string), else at the next ": " or ", " or the end. */
function skipValue(message: string, start: number): number {
  if (message[start] === '"') {
    for (let j = start + 1; j < message.length; j++) {
      if (message[j] === "\\") j++;
      else if (message[j] === '"') return j + 1;
    }
    return message.length;
  }
  const ends = [message.indexOf(": ", start), message.indexOf(", ", start)].filter((n) => n >= 0);
  return ends.length > 0 ? Math.min(...ends) : message.length;
}

// A polynomial rolling hash over UTF-16 code units, to find which 8-unit windows of a message occur in a value.
const BASE = 257;
const MOD = 2_147_483_647;
const POW = (() => {
  let p = 1;
  for (let k = 1; k < WINDOW; k++) p = (p * BASE) % MOD;
  return p;
})();

function forEachWindowHash(text: string, visit: (hash: number, start: number) => void): void {
  if (text.length < WINDOW) return;
  let h = 0;
  for (let k = 0; k < WINDOW; k++) h = (h * BASE + text.charCodeAt(k)) % MOD;
  visit(h, 0);
  for (let k = WINDOW; k < text.length; k++) {
    h = (h - ((text.charCodeAt(k - WINDOW) * POW) % MOD) + MOD) % MOD;
    h = (h * BASE + text.charCodeAt(k)) % MOD;
    visit(h, k - WINDOW + 1);
  }
}

/**
 * Collects the values of one reconcile (or CLI run) and removes them from messages. Every reconcile collects,
 * few fail: add() only keeps a reference, and the forms are computed on the first scrub().
 */
export class ValueScrubber {
  readonly #values: Array<Uint8Array | string> = [];
  #forms: string[] | undefined;

  /** Remembers a value (bytes as fetched or rendered, or text). */
  add(value: Uint8Array | string): this {
    this.#values.push(value);
    this.#forms = undefined;
    return this;
  }

  addAll(values: Iterable<Uint8Array | string>): this {
    for (const value of values) this.add(value);
    return this;
  }

  /** Each value's raw, Go-quoted, JSON-escaped and base64 forms, lower-cased (values too short to scrub skipped). */
  #allForms(): string[] {
    if (this.#forms) return this.#forms;
    const forms: string[] = [];
    for (const value of this.#values) {
      const text = typeof value === "string" ? value : Buffer.from(value).toString("utf8");
      if (text.length < MIN_WHOLE) continue;
      const base64 = Buffer.from(text, "utf8").toString("base64");
      for (const form of new Set([text, goEscaped(text), JSON.stringify(text).slice(1, -1), base64.replace(/=+$/, "")])) forms.push(form.toLowerCase());
    }
    return (this.#forms = forms);
  }

  /** The message with every known value (whole, or any 8-character run of it) replaced by ***. */
  scrub(message: string): string {
    const forms = this.#allForms();
    if (forms.length === 0) return message;
    const lower = message.toLowerCase();
    const hit = new Uint8Array(message.length);
    // Whole short values first (they have no windows).
    for (const form of forms) {
      if (form.length >= WINDOW) continue;
      for (let at = lower.indexOf(form); at >= 0; at = lower.indexOf(form, at + 1)) hit.fill(1, at, at + form.length);
    }
    const windows = new Map<number, number[]>();
    forEachWindowHash(lower, (hash, start) => {
      const list = windows.get(hash);
      if (list) list.push(start);
      else windows.set(hash, [start]);
    });
    for (const form of forms) {
      forEachWindowHash(form, (hash, start) => {
        const starts = windows.get(hash);
        if (!starts) return;
        const piece = form.slice(start, start + WINDOW);
        for (const at of starts) if (lower.startsWith(piece, at)) hit.fill(1, at, at + WINDOW);
      });
    }
    let out = "";
    for (let k = 0; k < message.length; k++) {
      if (!hit[k]) out += message[k];
      else if (k === 0 || !hit[k - 1]) out += WITHHELD;
    }
    return out;
  }
}

/** Both passes: apiserver-quoted values withheld, then every known value removed. */
export function scrubMessage(message: string, values?: ValueScrubber): string {
  const dropped = dropQuotedValues(message);
  return values ? values.scrub(dropped) : dropped;
}
