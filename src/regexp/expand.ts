// Go's Regexp.Expand, the replacement syntax of ReplaceAllString: $1 or ${1} (a group by number), $name or
// ${name} (by name), $$ (a literal $). A bare reference takes the longest run of letters, digits and _, so
// "$1x" names a group "1x" (absent, so empty) and "${1}x" is the way to write group 1 then x. A group that
// does not exist or did not take part expands to nothing; a `$` that starts no reference is kept.
// Works on bytes as Go does, and parses the template once per ReplaceAll instead of once per match.
import { RE2JS } from "re2js";

// Our own constant pattern, not a tenant's (matched with re2js like the rest of this folder). Name
// characters are Go's: unicode.IsLetter, unicode.IsDigit (\p{Nd}) or '_'.
const REFERENCE = RE2JS.compile(String.raw`\$(?:\$|\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))?`).re2();

/** Literal bytes, a group number, or a group name. */
export type Piece = Uint8Array | number | string;

/** Go's extract: a name of at most nine digits, without a leading zero, is a group number. */
const reference = (name: string): number | string => (/^(?:0|[1-9][0-9]{0,8})$/.test(name) ? Number(name) : name);

export function parseTemplate(template: Uint8Array): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of (REFERENCE.findAllUTF8SubmatchIndex(template, -1) ?? []) as number[][]) {
    const [start, end] = m as [number, number];
    pieces.push(template.subarray(last, start));
    last = end;
    const group = m[2]! >= 0 ? 1 : m[4]! >= 0 ? 2 : 0; // 1: ${name}, 2: $name
    // "$$" and a lone "$" both leave one "$": the match's last byte.
    if (group === 0) pieces.push(template.subarray(end - 1, end));
    else pieces.push(reference(Buffer.from(template.subarray(m[2 * group], m[2 * group + 1])).toString("utf8")));
  }
  pieces.push(template.subarray(last));
  return pieces;
}

/**
 * Appends one match's expansion to `out`. `match` holds [start, end] byte pairs (-1 for a group that did
 * not take part); `names` is each group's name by index. A name stands for the first group of that name
 * that took part (Go allows a name twice).
 */
export function expand(pieces: Piece[], src: Uint8Array, match: number[], names: string[], out: Uint8Array[]): void {
  const took = (group: number) => group >= 0 && (match[2 * group] ?? -1) >= 0;
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) {
      out.push(piece);
      continue;
    }
    const group = typeof piece === "number" ? piece : names.findIndex((name, i) => name === piece && took(i));
    if (took(group)) out.push(src.subarray(match[2 * group], match[2 * group + 1]));
  }
}
