// printf's width and precision at and past fmt's own limit (fmt/print.go: tooLarge beyond 1e6, checked by
// parsenum before each digit), with the answers Go 1.26 gives; the differential suite checks the same
// formats against Go itself. Past our 1 MiB cap, where Go would still print, we fail instead.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderString, TemplateError } from "../../../src/template/engine.ts";
import { GoMap } from "../../../src/template/values.ts";

const render = (template: string) => renderString("t", template, new GoMap());

describe("printf width and precision limits (Go's fmt)", () => {
  const table: { name: string; given: string; want: string }[] = [
    { name: "a width of 1,000,001 is accepted (tooLarge looks at the digits before the last)", given: '{{ printf "%1000001d" 1 }}', want: " ".repeat(1_000_000) + "1" },
    { name: "past 10,000,009 parsenum gives up: NOVERB, the operand EXTRA", given: '{{ printf "%10000010d" 1 }}', want: "%!(NOVERB)%!(EXTRA int=1)" },
    { name: "a width of 20,000,000", given: '{{ printf "%20000000d" 1 }}', want: "%!(NOVERB)%!(EXTRA int=1)" },
    { name: "a width of 500,000,000", given: '{{ printf "%500000000d" 1 }}', want: "%!(NOVERB)%!(EXTRA int=1)" },
    { name: "what follows an overlong width is never read", given: '{{ printf "%20000000dxyz%s" 1 "a" }}', want: "%!(NOVERB)%!(EXTRA int=1, string=a)" },
    { name: "a precision of 1,000,001 digits", given: '{{ printf "%.1000001d" 7 }}', want: "0".repeat(1_000_000) + "7" },
    { name: "an overlong precision", given: '{{ printf "%.20000000f" 1.5 }}', want: "%!(NOVERB)%!(EXTRA float64=1.5)" },
    { name: "a float precision of a million digits (exact past the 1,074th)", given: '{{ printf "%.1000000f" 1.5 }}', want: "1.5" + "0".repeat(999_999) },
    { name: "the smallest subnormal, every digit", given: '{{ printf "%.1080f" 5e-324 | len }}', want: "1082" },
    { name: "an %e precision past the exact digits", given: '{{ printf "%.900e" 0.1 | trunc 60 }}', want: "1.0000000000000000555111512312578270211815834045410156250000" },
    { name: "%g drops the zeros of a huge precision", given: '{{ printf "%.1000000g" 0.1 }}', want: "0.1000000000000000055511151231257827021181583404541015625" },
    { name: "%#g keeps them", given: '{{ printf "%#.100000g" 1.0 | len }}', want: "100001" },
    { name: "%x of a float with a long precision", given: '{{ printf "%.20x" 1.5 }}', want: "0x1.80000000000000000000p+00" },
    { name: "a * width past the limit is BADWIDTH", given: '{{ printf "%*d" 1000001 1 }}', want: "%!(BADWIDTH)1" },
    { name: "a negative * width past the limit", given: '{{ printf "%*d" -1000001 1 }}', want: "%!(BADWIDTH)1" },
    { name: "a * width that is not an int", given: '{{ printf "%*d" "x" 1 }}', want: "%!(BADWIDTH)1" },
    { name: "a negative * width pads on the right", given: '{{ printf "%0*d|" -4 1 }}', want: "1   |" },
    { name: "a * precision past the limit is BADPREC", given: '{{ printf "%.*d" 1000001 1 }}', want: "%!(BADPREC)1" },
    { name: "a negative * precision is BADPREC", given: '{{ printf "%.*d" -5 1 }}', want: "%!(BADPREC)1" },
    { name: "a * with no operand left", given: '{{ printf "%*d" }}', want: "%!(BADWIDTH)%!d(MISSING)" },
    { name: "a trailing dot is the verb '.'", given: '{{ printf "%." 1 }}', want: "%!.(int=1)" },
    { name: "a trailing dot after a width", given: '{{ printf "%5." 1 }}', want: "%!.(int=    1)" },
  ];
  for (const { name, given, want } of table) {
    it(name, () => assert.equal(render(given), want));
  }

  it("where Go would print more than 1 MiB, the budget error instead", () => {
    for (const given of ['{{ printf "%10000000d" 1 }}', '{{ printf "%.10000009d" 1 }}', '{{ printf "%*d" 1000000 (until 2) }}']) {
      assert.throws(() => render(given), (err: unknown) => err instanceof TemplateError && /budget exhausted: value larger than 1048576 bytes$/.test(err.message), given);
    }
  });
});
