// What a hostile tenant writes, shared by the adversarial tests and the benchmark's W9: templates and
// regexps that stall a backtracking engine or an unbudgeted template executor.

/** `define` fan-out: 10 levels of 10 calls each, 10^10 steps for a 400-byte template. */
export function defineFanOut(levels = 10, width = 10): string {
  const defs = Array.from({ length: levels }, (_, i) => `{{ define "t${i}" }}${i === levels - 1 ? "x" : `{{ template "t${i + 1}" }}`.repeat(width)}{{ end }}`);
  return `${defs.join("")}{{ template "t0" }}`;
}

/** Templates an executor without budgets runs for minutes or until the heap is gone. */
export const HOSTILE_TEMPLATES = {
  "nested-range": "{{ range until 1000 }}{{ range until 1000 }}{{ range until 1000 }}x{{ end }}{{ end }}{{ end }}",
  "define-fan-out": defineFanOut(),
  until: "{{ until 100000000 | len }}",
  "random-huge": "{{ randAlphaNum 300000000 }}",
  repeat: '{{ repeat 100000000 "ab" }}',
  doubling: '{{ $x := "ab" }}{{ range until 60 }}{{ $x = print $x $x }}{{ end }}{{ $x | len }}',
  "backtracking-regexmatch": '{{ regexMatch "^(a+)+$" (print (repeat 40 "a") "b") }}',
} as const;

/** Regexps that take exponential time in a backtracking engine on a near-miss input. */
export const BACKTRACKING_REGEXPS = ["^(a+)+$", "^([a-z/]+)*$"] as const;
