// Differential cases at the limits Go itself has, which we must match exactly: fmt's width and precision
// (tooLarge past 1e6, checked by parsenum before each digit: NOVERB, BADWIDTH, BADPREC), huge float
// precisions (every digit exact), strings.Repeat's panics, Sprig's chunk arithmetic for sizes of zero and
// below; and large results just under our 1 MiB cap, which must render as Go renders them.
import type { Case } from "./go-render.ts";

const t = (name: string, template: string): Case => ({ name, template, data: {} });

export const limitCases: Case[] = [
  t("printf width 1,000,001 (accepted)", '{{ printf "%1000001d" 1 }}'),
  t("printf width 10,000,010 (NOVERB)", '{{ printf "%10000010d" 1 }}'),
  t("printf width 20,000,000", '{{ printf "%20000000d" 1 }}'),
  t("printf width 500,000,000", '{{ printf "%500000000d" 1 }}'),
  t("printf text after an overlong width is dropped", '{{ printf "%20000000dxyz%s" 1 "a" }}'),
  t("printf precision 1,000,001", '{{ printf "%.1000001d" 7 }}'),
  t("printf precision overlong", '{{ printf "%.20000000f" 1.5 }}'),
  t("printf %f with a million digits", '{{ printf "%.1000000f" 1.5 }}'),
  t("printf the smallest subnormal, every digit", '{{ printf "%.1080f" 5e-324 }}'),
  t("printf %e past the exact digits", '{{ printf "%.900e|%.2000E" 0.1 123.456 }}'),
  t("printf %g with a huge precision", '{{ printf "%.1000000g|%.1100g" 0.1 1e-300 }}'),
  t("printf %#g with a huge precision", '{{ printf "%#.100000g" 1.0 }}'),
  t("printf %x of floats with long precisions", '{{ printf "%.20x|%.1000X" 1.5 0.1 }}'),
  t("printf * width past the limit", '{{ printf "%*d|%*d|%*d" 1000001 1 -1000001 2 "x" 3 }}'),
  t("printf * width at the limit", '{{ printf "%*d" 1000000 1 }}'),
  t("printf * width from an int64", '{{ printf "%*d|%*d" (int64 5) 1 (int64 1000001) 2 }}'),
  t("printf negative * width", '{{ printf "%0*d|%-*d|" -4 1 3 2 }}'),
  t("printf * precision bad", '{{ printf "%.*d|%.*d|%.*d" 1000001 1 -5 2 1.5 3 }}'),
  t("printf * precision at the limit", '{{ printf "%.*f" 1000000 0.5 }}'),
  t("printf * without operands", '{{ printf "%*d" }}|{{ printf "%.*d" 3 }}'),
  t("printf trailing dot", '{{ printf "%." 1 }}|{{ printf "%5." 1 }}|{{ printf "%-." "a" }}'),
  t("printf %U with a long precision", '{{ printf "%.100000U" 65 }}'),
  t("printf width on a list", '{{ printf "%6v|%-4d|" (list 1 "a") (list 1 2) }}'),
  t("repeat overflow panics", '{{ repeat 9223372036854775807 "ab" }}'),
  t("repeat of nothing, any count", '[{{ repeat 9223372036854775807 "" }}]'),
  t("repeat to a megabyte", '{{ repeat 1048576 "a" }}'),
  t("chunk 0", "{{ chunk 0 (list 1 2 3) }}"),
  t("chunk 0 of an empty list", "{{ chunk 0 list }}"),
  t("chunk -1", "{{ chunk -1 (list 1 2 3) }}"),
  t("chunk negative sizes that Go survives", "{{ chunk -2 (list 1) }}|{{ chunk -3 (list 1 2) }}|{{ chunk -5 (list 1) }}|{{ chunk 5 list }}"),
  t("chunk -2 of an empty list", "{{ chunk -2 list }}"),
  t("chunk larger than the list", "{{ chunk 1000000000 (list 1 2) }}"),
  t("randBytes of a negative count panics", "{{ randBytes -1 }}"),
  t("rand* of a negative count is empty", "[{{ randAlphaNum -5 }}{{ randAlpha -1 }}{{ randNumeric -1 }}{{ randAscii -1 }}]"),
  t("shuffle of one rune, and of an invalid byte", '{{ shuffle "" }}|{{ shuffle "é" }}|{{ shuffle "\\xff" }}'),
  t("until, seq and indent under the cap", '{{ until 100000 | len }} {{ seq 20000 | len }} {{ indent 4 (repeat 10000 "ab\\n") | len }}'),
];
