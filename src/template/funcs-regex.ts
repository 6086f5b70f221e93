// Sprig's regexp functions on Go's regexp (src/regexp: RE2, linear time). Template strings are Go byte
// strings (gostr.ts), so patterns and inputs use its byte form: results are cut from the original bytes
// and an invalid byte matches as U+FFFD, as in Go. Sprig's must* functions return regexp.Compile's
// error; the others call regexp.MustCompile, whose panic text/template reports with the pattern quoted.
import { GoRegexp, GoRegexpError } from "../regexp/index.ts";
import { goQuote } from "./fmt.ts";
import { fn, GoError, type FuncMap } from "./func-types.ts";
import { fromBin, validUtf8 } from "./gostr.ts";
import { typedList } from "./values.ts";

/** regexp.Compile: a pattern Go rejects is the function's error. */
function compile(re: string): GoRegexp {
  try {
    return GoRegexp.compile(re, "latin1");
  } catch (err) {
    if (err instanceof GoRegexpError) throw new GoError(err.message);
    throw err;
  }
}

/** regexp's quote: backquoted when strconv.CanBackquote allows it, else strconv.Quote. */
const quote = (bin: string): string => (validUtf8(bin) && !/[`\x00-\x08\x0a-\x1f\x7f]|\xef\xbb\xbf/.test(bin) ? "`" + bin + "`" : goQuote(bin));

/** regexp.MustCompile: its panic message, `regexp: Compile(<pattern>): <error>` (as text, like the error part). */
function mustCompile(re: string): GoRegexp {
  try {
    return compile(re);
  } catch (err) {
    if (err instanceof GoError) throw new GoError(`regexp: Compile(${fromBin(quote(re))}): ${err.message}`);
    throw err;
  }
}

/** Go's int count: n < 0 means every match; a count beyond the input's length is the same as every match. */
const count = (n: bigint): number => (n < 0n ? -1 : n > 0x7fffffffn ? 0x7fffffff : Number(n));

const lenient = <T>(f: () => T, fallback: T): T => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

type Compile = (re: string) => GoRegexp;
const findAll = (c: Compile) => (re: string, s: string, n: bigint) => typedList(c(re).findAll(s, count(n)), "string");
const find = (c: Compile) => (re: string, s: string) => c(re).findAll(s, 1)[0] ?? "";
const replaceAll = (c: Compile) => (re: string, s: string, r: string) => c(re).replaceAll(s, r);
const replaceAllLiteral = (c: Compile) => (re: string, s: string, r: string) => c(re).replaceAllLiteral(s, r);
const split = (c: Compile) => (re: string, s: string, n: bigint) => typedList(c(re).split(s, count(n)), "string");

export const regexFuncs: FuncMap = {
  // regexp.MatchString: Sprig drops the error, so a bad pattern matches nothing.
  regexMatch: fn(["string", "string"], (re: string, s: string) => lenient(() => compile(re).test(s), false)),
  mustRegexMatch: fn(["string", "string"], (re: string, s: string) => compile(re).test(s)),
  regexFindAll: fn(["string", "string", "int"], findAll(mustCompile)),
  mustRegexFindAll: fn(["string", "string", "int"], findAll(compile)),
  regexFind: fn(["string", "string"], find(mustCompile)),
  mustRegexFind: fn(["string", "string"], find(compile)),
  regexReplaceAll: fn(["string", "string", "string"], replaceAll(mustCompile)),
  mustRegexReplaceAll: fn(["string", "string", "string"], replaceAll(compile)),
  regexReplaceAllLiteral: fn(["string", "string", "string"], replaceAllLiteral(mustCompile)),
  mustRegexReplaceAllLiteral: fn(["string", "string", "string"], replaceAllLiteral(compile)),
  regexSplit: fn(["string", "string", "int"], split(mustCompile)),
  mustRegexSplit: fn(["string", "string", "int"], split(compile)),
  regexQuoteMeta: fn(["string"], (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")),
};
