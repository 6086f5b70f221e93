import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { crc32c, sentChecksum } from "../../../../providers/gcpsm/crc32c.ts";

describe("crc32c (Castagnoli)", () => {
  const table = [
    { name: "empty", given: "", want: 0 },
    // RFC 3720 / the standard check value.
    { name: "check value 123456789", given: "123456789", want: 0xe3069283 },
    { name: "32 zero bytes (RFC 3720 B.4)", given: "\u0000".repeat(32), want: 0x8a9136aa },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(crc32c(Buffer.from(given, "latin1")), want));

  const sent = [
    { name: "a number", given: 42 as unknown, want: 42 },
    { name: "a decimal string (REST int64)", given: "3808858755", want: 3808858755 },
    { name: "a Long-like object", given: { toString: () => "7" }, want: 7 },
    { name: "absent", given: undefined, want: undefined },
    { name: "null", given: null, want: undefined },
    { name: "garbage", given: "abc", want: undefined },
  ];
  for (const { name, given, want } of sent) it(`sentChecksum: ${name}`, () => assert.equal(sentChecksum(given), want));
});
