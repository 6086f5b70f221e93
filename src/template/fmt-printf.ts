// fmt.Sprintf's format walk for printf: literal text, %%, flags, width and precision (literal or from an
// argument with *), with fmt's own limits reproduced exactly, and its error forms (%!s(MISSING),
// %!(NOVERB), %!(BADWIDTH), %!(BADPREC), %!(EXTRA ...)).
import { boundedJoin, budget } from "./budget.ts";
import { fmtOne, formatValue, type Spec } from "./fmt.ts";
import { goType, intOf, isInt, type GoValue } from "./values.ts";

/** fmt's tooLarge (fmt/print.go): a width or precision beyond ±1e6 is refused. */
const tooLarge = (n: number | bigint): boolean => n > 1_000_000 || n < -1_000_000;

/** fmt's parsenum: the digits at `i`. It checks tooLarge on the number read so far BEFORE each digit and
 *  then gives up, skipping the rest of the format; so "%1000001d" pads to 1,000,001 bytes and even
 *  "%10000009d" is accepted, while "%10000010d" and "%20000000d" are %!(NOVERB). */
function parsenum(format: string, i: number): { num: number | undefined; next: number } {
  let num = 0;
  let k = i;
  for (; k < format.length && format[k]! >= "0" && format[k]! <= "9"; k++) {
    if (tooLarge(num)) return { num: undefined, next: format.length };
    num = num * 10 + (format.charCodeAt(k) - 48);
  }
  return { num: k > i ? num : undefined, next: k };
}

/** fmt's intFromArg for *: the argument (consumed if there is one) when it is an int within tooLarge. */
function intFromArg(args: GoValue[], argi: number): { num: number | undefined; next: number } {
  if (argi >= args.length) return { num: undefined, next: argi };
  const a = args[argi]!;
  const ok = a !== null && isInt(a) && !tooLarge(intOf(a));
  return { num: ok ? Number(intOf(a as bigint)) : undefined, next: argi + 1 };
}

/** fmt.Sprintf over Go bytes. Pieces are joined at the end: appending character by character made rope
 *  strings that took ten times their length in heap. */
export function sprintf(format: string, args: GoValue[]): string {
  const b = budget();
  const parts: string[] = [];
  let length = 0;
  const put = (s: string) => {
    length += s.length;
    b.fits(length);
    parts.push(s);
  };
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    if (format[i] !== "%") {
      const next = format.indexOf("%", i);
      const end = next < 0 ? format.length : next;
      put(format.slice(i, end));
      i = end;
      continue;
    }
    i++;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === "-") spec.minus = true;
      else if (f === "+") spec.plus = true;
      else if (f === "#") spec.sharp = true;
      else if (f === " ") spec.space = true;
      else if (f === "0") spec.zero = !spec.minus;
      else break;
    }
    if (format[i] === "*") {
      const w = intFromArg(args, argi);
      [i, argi] = [i + 1, w.next];
      if (w.num === undefined) put("%!(BADWIDTH)");
      else if (w.num < 0) [spec.width, spec.minus, spec.zero] = [-w.num, true, false];
      else spec.width = w.num;
    } else {
      const w = parsenum(format, i);
      [spec.width, i] = [w.num, w.next];
    }
    // Go reads a precision only when something follows the dot ("%." is the bad verb '.').
    if (i + 1 < format.length && format[i] === ".") {
      i++;
      if (format[i] === "*") {
        const p = intFromArg(args, argi);
        [i, argi] = [i + 1, p.next];
        if (p.num === undefined || p.num < 0) put("%!(BADPREC)");
        else spec.prec = p.num;
      } else {
        const p = parsenum(format, i);
        [spec.prec, i] = [p.num ?? 0, p.next];
      }
    }
    if (i >= format.length) {
      put("%!(NOVERB)");
      break;
    }
    const verb = format[i]!;
    i++;
    if (verb === "v") {
      if (spec.sharp) [spec.sharp, spec.sharpV] = [false, true];
      if (spec.plus) [spec.plus, spec.plusV] = [false, true];
    }
    if (verb === "%") put("%");
    else if (argi >= args.length) put(`%!${verb}(MISSING)`);
    else put(fmtOne(args[argi++]!, verb, spec));
  }
  if (argi < args.length) put("%!(EXTRA " + boundedJoin(args.slice(argi), ", ", (a) => (a === null ? "<nil>" : `${goType(a)}=${formatValue(a)}`)) + ")");
  return parts.join("");
}
