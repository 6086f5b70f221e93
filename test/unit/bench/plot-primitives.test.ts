// The plot module's small pieces: number formatting, the value axis, escaping, input selectors, the palette's
// grey-scale spread, and the XML checker the chart tests rely on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatNumber } from "../../bench/benchmark/plot/format.ts";
import { parseInput } from "../../bench/benchmark/plot/results.ts";
import { valueAxis } from "../../bench/benchmark/plot/scale.ts";
import { SERIES_STYLES } from "../../bench/benchmark/plot/style.ts";
import { element, px } from "../../bench/benchmark/plot/svg.ts";
import { parseXml } from "./xml-check.ts";

describe("formatNumber", () => {
  const cases = [
    { name: "zero", given: [0, 0], want: "0" },
    { name: "thousands", given: [20195, 0], want: "20,195" },
    { name: "millions with decimals", given: [1234567.891, 2], want: "1,234,567.89" },
    { name: "rounds to the decimals", given: [72.947, 1], want: "72.9" },
    { name: "a negative that rounds to zero has no sign", given: [-0.001, 1], want: "0.0" },
    { name: "negative", given: [-1500, 0], want: "-1,500" },
  ] as const;
  for (const { name, given, want } of cases) it(name, () => assert.equal(formatNumber(given[0], given[1]), want));
});

describe("valueAxis", () => {
  const cases = [
    { name: "seconds", given: { max: 72.9 }, want: { top: 100, ticks: [0, 20, 40, 60, 80, 100], decimals: 0 } },
    { name: "all zero counts still get an axis", given: { max: 0, integer: true }, want: { top: 1, ticks: [0, 1], decimals: 0 } },
    { name: "small fractions without float noise", given: { max: 0.32 }, want: { top: 0.4, ticks: [0, 0.1, 0.2, 0.3, 0.4], decimals: 1 } },
    { name: "room above the highest bar", given: { max: 400, integer: true }, want: { top: 500, ticks: [0, 100, 200, 300, 400, 500], decimals: 0 } },
    { name: "small counts never get fractional ticks", given: { max: 3, integer: true }, want: { top: 4, ticks: [0, 1, 2, 3, 4], decimals: 0 } },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.deepEqual(valueAxis(given.max, { integer: given.integer }), want));
});

describe("svg primitives", () => {
  it("escapes text and attribute values", () => {
    const svg = element("svg", { "aria-label": 'a "b" & <c>' }, [element("text", { x: 1 }, "fake <&> \"x\"")]);
    const [root, text] = parseXml(svg);
    assert.equal(root!.attributes["aria-label"], 'a "b" & <c>');
    assert.equal(text!.text, 'fake <&> "x"');
  });

  it("prints coordinates with at most two decimals and no negative zero", () => {
    assert.deepEqual([px(0.1 + 0.2), px(-0.0001), px(12), px(1 / 3)], ["0.3", "0", "12", "0.33"]);
  });
});

describe("parseInput", () => {
  const cases = [
    { name: "a plain file", given: "docs/benchmark-fake.json", want: { path: "docs/benchmark-fake.json", only: undefined } },
    { name: "a file with scenarios", given: "docs/benchmark-w10.json:W10,W4", want: { path: "docs/benchmark-w10.json", only: ["W10", "W4"] } },
    { name: "a colon that is not a selector stays in the path", given: "a:b.json", want: { path: "a:b.json", only: undefined } },
  ];
  for (const { name, given, want } of cases) {
    it(name, () => {
      const input = parseInput(given);
      assert.deepEqual({ path: input.path, only: input.only && [...input.only] }, want);
    });
  }
});

describe("palette", () => {
  // WCAG relative luminance: what a grey-scale print or a colour-blind reader still tells apart.
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.04045) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };

  it("the first three fills (the providers) differ in luminance, not only in hue", () => {
    const levels = SERIES_STYLES.slice(0, 3).map((style) => luminance(style.fill));
    assert.ok(levels[1]! - levels[0]! > 0.15 && levels[2]! - levels[1]! > 0.15, `luminances ${levels.map((l) => l.toFixed(2)).join(", ")}`);
  });
});

describe("parseXml (the test's own checker)", () => {
  const bad = [
    { name: "unbalanced", given: "<svg><g></svg>" },
    { name: "raw ampersand", given: "<svg><text>a & b</text></svg>" },
    { name: "unquoted attribute", given: "<svg width=3></svg>" },
    { name: "unclosed root", given: "<svg>" },
    { name: "two roots", given: "<a/><b/>" },
  ];
  for (const { name, given } of bad) it(`rejects ${name}`, () => assert.throws(() => parseXml(given)));
});
