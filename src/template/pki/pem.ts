// Go's encoding/pem (Go 1.26, the Go ESO 2.9's engine runs on) for text from tenants: Decode's exact rules
// (a BEGIN line must start a line, trailing spaces and tabs and CR before LF are dropped, "Key: value"
// headers, the END line must name the same type, strict padded base64 that skips line breaks, a block
// that fails any of these is skipped) and Encode's 64-column output. Written by hand: no npm PEM library
// follows Go's rules (they differ on headers, junk and bad base64), and the regexp we had scanned
// lazily with a back-reference, quadratic on hostile input. Each Decode is linear in what it passes over.

import { budget } from "../budget.ts";

export interface PemBlock {
  type: string;
  headers: Map<string, string>;
  bytes: Buffer;
}

const BEGIN = "-----BEGIN ";
const END = "\n-----END ";
const DASHES = "-----";

/** Go's getLine: the line at `at` without its LF (or CRLF) and trailing spaces/tabs, and where the next starts. */
function getLine(s: string, at: number): { line: string; next: number } {
  const nl = s.indexOf("\n", at);
  let stop = nl < 0 ? s.length : nl;
  const next = nl < 0 ? s.length : nl + 1;
  if (nl > at && s[nl - 1] === "\r") stop--;
  while (stop > at && (s[stop - 1] === " " || s[stop - 1] === "\t")) stop--;
  return { line: s.slice(at, stop), next };
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Go's base64.StdEncoding.Decode on PEM body text: CR and LF skipped, padding required, nothing after it. */
function strictBase64(text: string): Buffer | undefined {
  const s = text.replace(/[\r\n]/g, "");
  if (s.length % 4 !== 0 || !B64.test(s)) return undefined;
  return Buffer.from(s, "base64");
}

/** Go's pem.Decode over the binary string `s`, block after block. */
export class PemReader {
  private readonly s: string;
  private lastColonless: number | undefined;

  constructor(s: string) {
    this.s = s;
  }

  /** Start of the last line (before the end of the text) that has no colon, or -1: Go's header loop reads
   *  on past an END line while lines have colons, and gives up at the end of the text. Found once, so
   *  every Decode stays linear. */
  private lastColonlessLine(): number {
    if (this.lastColonless !== undefined) return this.lastColonless;
    const s = this.s;
    let stop = s.length;
    this.lastColonless = -1;
    while (stop > 0) {
      const start = s.lastIndexOf("\n", stop - 1) + 1;
      if (start < s.length && !s.slice(start, stop).includes(":")) {
        this.lastColonless = start;
        break;
      }
      stop = start - 1;
    }
    return this.lastColonless;
  }

  /** The next block from `from` and where the rest starts, or undefined (Go's nil block: rest = input). */
  decode(from = 0): { block: PemBlock; rest: number } | undefined {
    const s = this.s;
    let pos = from;
    next: for (;;) {
      const endAt = s.indexOf(END, pos);
      if (endAt < 0) return undefined;
      const endTrailer = endAt + END.length;
      // The last BEGIN between the previous END and this one, at the start of a line. (Searched in that
      // stretch only: lastIndexOf on the whole text would rescan it from every END.)
      const found = s.slice(pos, endAt).lastIndexOf(BEGIN);
      const beginAt = found < 0 ? -1 : pos + found;
      if (beginAt < 0 || (beginAt > pos && s[beginAt - 1] !== "\n")) {
        pos = endTrailer;
        continue;
      }
      const typeLine = getLine(s, beginAt + BEGIN.length);
      if (!typeLine.line.endsWith(DASHES)) {
        pos = endTrailer;
        continue;
      }
      const type = typeLine.line.slice(0, -DASHES.length);
      const headers = new Map<string, string>();
      let body = typeLine.next;
      for (;;) {
        if (body >= s.length) return undefined;
        const { line, next: after } = getLine(s, body);
        const colon = line.indexOf(":");
        if (colon < 0) break;
        if (body > endAt) {
          // A header past END: Go reads to the next line without a colon and drops the block, or fails
          // at the end of the text.
          if (this.lastColonlessLine() > body) {
            pos = endTrailer;
            continue next;
          }
          return undefined;
        }
        headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        body = after;
      }
      if (headers.size > 0 && body > endAt) {
        pos = endTrailer;
        continue;
      }
      const trailerLen = type.length + DASHES.length;
      const trailer = s.slice(endTrailer, endTrailer + trailerLen);
      if (trailer.length < trailerLen || !trailer.startsWith(type) || !trailer.endsWith(DASHES) || getLine(s, endTrailer + trailerLen).line !== "") {
        pos = endTrailer;
        continue;
      }
      let bytes: Buffer = Buffer.alloc(0);
      if (endAt > body) {
        const decoded = strictBase64(s.slice(body, endAt).replace(/[ \t]/g, ""));
        if (!decoded) {
          pos = endTrailer;
          continue;
        }
        bytes = decoded;
      }
      return { block: { type, headers, bytes }, rest: getLine(s, endAt + 1).next };
    }
  }
}

export const pemDecode = (s: string): { block: PemBlock; rest: string } | undefined => {
  const d = new PemReader(s).decode();
  return d && { block: d.block, rest: s.slice(d.rest) };
};

/** Every block pem.Decode finds in turn, and what is left after the last (Go's final rest). Linear: a
 *  1 MiB input holds at most ~30,000 (empty) blocks. */
export function pemDecodeAll(s: string): { blocks: PemBlock[]; rest: string } {
  const reader = new PemReader(s);
  const blocks: PemBlock[] = [];
  let pos = 0;
  for (let d = reader.decode(pos); d; d = reader.decode(pos)) {
    blocks.push(d.block);
    pos = d.rest;
  }
  return { blocks, rest: s.slice(pos) };
}

/** Go's pem.Encode: headers sorted (Proc-Type first), base64 in lines of 64. */
export function pemEncode(type: string, bytes: Buffer, headers: Map<string, string> = new Map()): string {
  let out = `-----BEGIN ${type}-----\n`;
  if (headers.size > 0) {
    const keys = [...headers.keys()].filter((k) => k !== "Proc-Type").sort();
    if (headers.has("Proc-Type")) keys.unshift("Proc-Type");
    for (const k of keys) out += `${k}: ${headers.get(k)}\n`;
    out += "\n";
  }
  const b64 = bytes.toString("base64");
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + "\n";
  return out + `-----END ${type}-----\n`;
}

/** The first block pem.Decode finds in text a template handed over (Sprig's key and certificate arguments),
 *  its scan charged to the template budget. */
export function firstPemBlock(text: string): PemBlock | undefined {
  budget().work(text.length);
  return pemDecode(text)?.block;
}
