// A generic call's body may name remote keys; anything else refreshes everything selected or is refused.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BadCallBody, MAX_KEYS, namedKeys } from "../../../src/receiver/call-body.ts";

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe("namedKeys", () => {
  const table: Array<{ name: string; body: Uint8Array; type?: string; want: string[] | undefined | "bad" }> = [
    { name: "empty body: everything", body: Buffer.alloc(0), want: undefined },
    { name: "keys, deduplicated", body: json({ keys: ["a", "b", "a"] }), type: "application/json", want: ["a", "b"] },
    { name: "no content type, JSON body", body: json({ keys: ["a"] }), want: ["a"] },
    { name: "an EventBridge event without keys: everything", body: json({ source: "aws.secretsmanager", detail: {} }), type: "application/json; charset=utf-8", want: undefined },
    { name: "a form body is not read", body: Buffer.from("keys=a"), type: "application/x-www-form-urlencoded", want: undefined },
    { name: "not JSON", body: Buffer.from("{nope"), type: "application/json", want: "bad" },
    { name: "keys not a list", body: json({ keys: "a" }), want: "bad" },
    { name: "an empty list", body: json({ keys: [] }), want: "bad" },
    { name: "a number among keys", body: json({ keys: ["a", 1] }), want: "bad" },
    { name: "too many keys", body: json({ keys: Array.from({ length: MAX_KEYS + 1 }, (_, i) => `k${i}`) }), want: "bad" },
    { name: "a key too long", body: json({ keys: ["x".repeat(2000)] }), want: "bad" },
  ];
  for (const { name, body, type, want } of table) {
    it(name, () => {
      if (want === "bad") assert.throws(() => namedKeys(body, type), BadCallBody);
      else assert.deepEqual(namedKeys(body, type), want);
    });
  }
});
