import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { dropQuotedValues, scrubMessage, ValueScrubber } from "../../../src/provider/scrub.ts";

const secret = "s3cr3t-Pa$$word-with\nnewline-and-\"quote\"";

describe("dropQuotedValues", () => {
  const table = [
    {
      name: "label value in a 422",
      given: 'Secret "app" is invalid: metadata.labels: Invalid value: "hunter2 is the password": a valid label must be an empty string or consist of alphanumeric characters',
      want: 'Secret "app" is invalid: metadata.labels: Invalid value: ***: a valid label must be an empty string or consist of alphanumeric characters',
    },
    { name: "escaped quote inside the value", given: 'data[x]: Invalid value: "a\\"b:c": bad', want: "data[x]: Invalid value: ***: bad" },
    { name: "unquoted value", given: "spec.replicas: Invalid value: -1: must be greater", want: "spec.replicas: Invalid value: ***: must be greater" },
    { name: "two errors", given: '[a: Invalid value: "x1", b: Unsupported value: "y2": supported values: "p"]', want: "[a: Invalid value: ***, b: Unsupported value: ***: supported values: \"p\"]" },
    { name: "no value", given: "metadata.name: Required value", want: "metadata.name: Required value" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(dropQuotedValues(given), want));
});

describe("ValueScrubber", () => {
  const scrubber = new ValueScrubber().add(new Uint8Array(Buffer.from(secret))).add("abc");
  const forms = {
    raw: secret,
    "JSON-escaped": JSON.stringify(secret),
    "Go-quoted": '"s3cr3t-Pa$$word-with\\nnewline-and-\\"quote\\""',
    "upper-cased": secret.toUpperCase(),
    "truncated to 9 characters": secret.slice(3, 12),
    base64: Buffer.from(secret).toString("base64"),
  };
  for (const [name, form] of Object.entries(forms)) {
    it(`removes the ${name} form`, () => {
      const out = scrubber.scrub(`error calling fail: ${form} (at line 3)`);
      assert.match(out, /^error calling fail: "?\*\*\*/, out);
      assert.ok(out.endsWith(" (at line 3)"), out);
      for (let k = 0; k + 8 <= secret.length; k++) assert.ok(!out.toLowerCase().includes(secret.slice(k, k + 8).toLowerCase()));
    });
  }
  it("keeps short values' neighbours: a 3-character value is not scrubbed from words", () => {
    assert.equal(scrubber.scrub("cabbage"), "cabbage");
  });
  it("leaves a message without values alone", () => {
    assert.equal(scrubber.scrub('template "v" line 2: map has no entry for key "password"'), 'template "v" line 2: map has no entry for key "password"');
  });
  it("scrubMessage applies both passes", () => {
    assert.equal(scrubMessage(`labels: Invalid value: "x": bad; also ${secret.toUpperCase()}`, scrubber), "labels: Invalid value: ***: bad; also ***");
  });
  it("property: no 8-character run of any planted value survives, whatever surrounds it", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 64 }), fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.nat(), (value, before, after, cut) => {
        const s = new ValueScrubber().add(value);
        const start = cut % (value.length - 7);
        const out = s.scrub(`${before}${value.slice(start)}${after}`).toLowerCase();
        const lower = value.toLowerCase();
        for (let k = 0; k + 8 <= lower.length; k++) if (out.includes(lower.slice(k, k + 8))) return false;
        return true;
      }),
      { numRuns: 500 },
    );
  });
  it("is linear: a 1 MiB value and a long message are scrubbed (counts, not time)", () => {
    const big = "v".repeat(1 << 20) + "tail-of-the-value";
    const s = new ValueScrubber().add(big);
    assert.equal(s.scrub(`x ${"y".repeat(10_000)} tail-of-the-value z`), `x ${"y".repeat(10_000)} *** z`);
  });
});
