// Go's regexp for every pattern a tenant supplies (find.name.regexp, rewrite regexps, namespaceRegexes,
// SOPS *_regex, the template's regex* functions): RE2 syntax and leftmost-first semantics through re2js,
// which matches in time linear in the input, so `^(a+)+$` cannot stall the event loop as a backtracking
// JS RegExp does. A thin layer that gives Go's shapes: Compile's errors, MatchString, FindAllString(n),
// ReplaceAllString (with Expand), ReplaceAllLiteralString and Split(n).
//
// Matching runs on UTF-8 bytes with byte offsets, as Go's does: an invalid byte is one U+FFFD rune, and
// results are cut from the original bytes. Strings cross the API in one of two forms, chosen at compile:
// "utf8" for ordinary JS text, "latin1" for Go byte strings held one char per byte (the template
// engine's form, src/template/gostr.ts), where the pattern too is a byte string.
import { isUtf8 } from "node:buffer";
import { RE2JS, RE2JSSyntaxException, RE2Set } from "re2js";
import { CompileCache } from "./compile-cache.ts";
import { expand, parseTemplate } from "./expand.ts";
import { uniqueGroupNames } from "./group-names.ts";
import { estimateProgramSize, MAX_PROGRAM } from "./size-estimate.ts";

/** A pattern Go's regexp.Compile rejects; the message is Go's ("error parsing regexp: missing closing ): `(`"). */
export class GoRegexpError extends Error {
  override name = "GoRegexpError";
}

/** How a GoRegexp's strings are held: "utf8" for JS text, "latin1" for Go byte strings (one char per byte). */
export type GoStrings = "utf8" | "latin1";

/** A compiled pattern and the Go name of each group by index ("" when unnamed; index 0 is the match). */
interface Compiled {
  re: RE2JS;
  names: string[];
}

// Weight is program instructions plus pattern length: 200k is about 15 MiB of compiled programs.
const cache = new CompileCache<Compiled>({ maxEntries: 256, maxWeight: 200_000 });

const DUPLICATE_NAME = "duplicate capture group name"; // re2js's (and RE2's) rule, not Go's
// Go's Error always ends in ": `expr`"; re2js leaves it out when empty, and for these two Go's expr is the whole pattern.
const WHOLE_PATTERN = new Set(["expression nests too deeply", "expression too large"]);

function compile(pattern: string): Compiled {
  if (estimateProgramSize(pattern) > MAX_PROGRAM) throw new GoRegexpError(`error parsing regexp: expression too large: \`${pattern.length > 64 ? `${pattern.slice(0, 64)}...` : pattern}\``);
  let aliases = new Map<string, string>();
  let source = pattern;
  for (;;) {
    try {
      const re = RE2JS.compile(source); // Go's syntax.Perl flags, leftmost-first: regexp.Compile
      const names = Array<string>(re.groupCount() + 1).fill("");
      for (const [name, index] of Object.entries(re.namedGroups())) names[index] = aliases.get(name) ?? name;
      return { re, names };
    } catch (err) {
      // re2js ports Go's parser, messages included; anything else it throws would be its own bug.
      if (!(err instanceof RE2JSSyntaxException)) throw err;
      if (err.error === DUPLICATE_NAME && aliases.size === 0) {
        ({ pattern: source, aliases } = uniqueGroupNames(pattern));
        if (aliases.size > 0) continue;
      }
      let expr = err.input ?? (WHOLE_PATTERN.has(err.error) ? pattern : "");
      for (const [alias, name] of aliases) expr = expr.replaceAll(`<${alias}>`, `<${name}>`);
      throw new GoRegexpError(`error parsing regexp: ${err.error}: \`${expr}\``);
    }
  }
}

/** A byte-string pattern as text. Go rejects invalid UTF-8 where its parser meets it; here it is checked first. */
function patternText(bin: string): string {
  const bytes = Buffer.from(bin, "latin1");
  const text = bytes.toString("utf8");
  if (isUtf8(bytes)) return text;
  let at = 0;
  for (const ch of text) {
    // Before the first invalid byte every character re-encodes to the same bytes; a U+FFFD that is not
    // EF BF BD in the input is where decoding failed.
    if (ch === "\ufffd" && !(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) break;
    at += Buffer.byteLength(ch);
  }
  throw new GoRegexpError(`error parsing regexp: invalid UTF-8: \`${bytes.subarray(at).toString("utf8")}\``);
}

export class GoRegexp {
  readonly #re: RE2JS;
  readonly #names: string[];
  readonly #strings: GoStrings;
  readonly #hasSource: boolean;

  private constructor({ re, names }: Compiled, strings: GoStrings, hasSource: boolean) {
    this.#re = re;
    this.#names = names;
    this.#strings = strings;
    this.#hasSource = hasSource;
  }

  /** regexp.Compile, from a bounded cache. Throws GoRegexpError for a pattern Go rejects. */
  static compile(pattern: string, strings: GoStrings = "utf8"): GoRegexp {
    const text = strings === "latin1" ? patternText(pattern) : pattern;
    return new GoRegexp(cache.get(text, compile, (c) => c.re.programSize()), strings, text.length > 0);
  }

  /** MatchString: whether the pattern matches anywhere in `s`. */
  test(s: string): boolean {
    const bytes = this.#bytes(s);
    // Asking for the match bounds keeps re2js on its NFA and one-pass engines: linear like its lazy DFA,
    // but without the DFA's state cache (up to 8 MiB per pattern, kept as long as the pattern is cached).
    return this.#re.re2().matchWithGroup(bytes, 0, bytes.length, RE2Set.UNANCHORED, 1)[0] === true;
  }

  /** FindAllString: the first `n` matches (every match when n < 0). */
  findAll(s: string, n: number): string[] {
    const bytes = this.#bytes(s);
    return this.#matches(bytes, n).map((m) => this.#text(bytes.subarray(m[0], m[1])));
  }

  /** FindAllStringSubmatch: the first `n` matches (every match when n < 0), each the match then its groups
   *  ("" for a group that did not take part, as Go). */
  findAllSubmatch(s: string, n: number): string[][] {
    const bytes = this.#bytes(s);
    return this.#matches(bytes, n).map((m) => {
      const out: string[] = [];
      for (let i = 0; i < m.length; i += 2) out.push(m[i]! < 0 ? "" : this.#text(bytes.subarray(m[i], m[i + 1])));
      return out;
    });
  }

  /** ReplaceAllString: every match replaced by `template`, expanded as Go's Regexp.Expand ($1, ${1}, $name, $$). */
  replaceAll(s: string, template: string): string {
    const pieces = parseTemplate(this.#bytes(template));
    return this.#replace(s, (src, match, out) => expand(pieces, src, match, this.#names, out));
  }

  /** ReplaceAllLiteralString: every match replaced by `replacement` as it is. */
  replaceAllLiteral(s: string, replacement: string): string {
    const bytes = this.#bytes(replacement);
    return this.#replace(s, (_src, _match, out) => out.push(bytes));
  }

  /** Split: the text around the matches; at most `n` pieces, the last one the unsplit rest (every piece when n < 0, none when n == 0). */
  split(s: string, n: number): string[] {
    if (n === 0) return [];
    const bytes = this.#bytes(s);
    if (this.#hasSource && bytes.length === 0) return [""];
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of this.#matches(bytes, n)) {
      if (n > 0 && out.length === n - 1) break;
      end = m[0]!;
      if (m[1] !== 0) out.push(this.#text(bytes.subarray(beg, end)));
      beg = m[1]!;
    }
    if (end !== bytes.length) out.push(this.#text(bytes.subarray(beg)));
    return out;
  }

  /**
   * Go's allMatches (re2js ports it): successive leftmost-first matches as byte offset pairs, the match then
   * each group (-1 for a group that did not take part); an empty match right after a match is skipped.
   * Go's ReplaceAll runs its own loop, but it accepts exactly these matches.
   */
  #matches(bytes: Uint8Array, n: number): number[][] {
    return (this.#re.re2().findAllUTF8SubmatchIndex(bytes, n) ?? []) as number[][];
  }

  #replace(s: string, insert: (src: Uint8Array, match: number[], out: Uint8Array[]) => void): string {
    const src = this.#bytes(s);
    const out: Uint8Array[] = [];
    let last = 0;
    for (const m of this.#matches(src, -1)) {
      out.push(src.subarray(last, m[0]));
      insert(src, m, out);
      last = m[1]!;
    }
    out.push(src.subarray(last));
    return this.#text(Buffer.concat(out));
  }

  #bytes(s: string): Buffer {
    return Buffer.from(s, this.#strings);
  }

  #text(bytes: Uint8Array): string {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(this.#strings);
  }
}
