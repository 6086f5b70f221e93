// UUID (version 4, key "uuid") and Fake (spec.data as is, bounded).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { uuid } from "../../../src/generators/uuid.ts";
import { fake, MAX_FAKE_BYTES, MAX_FAKE_ENTRIES } from "../../../src/generators/fake.ts";
import { GeneratorError } from "../../../src/generators/types.ts";

describe("UUID generator", () => {
  it("a version 4, variant 1 UUID under the key uuid, different every time", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const out = await uuid.generate({});
      assert.deepEqual(Object.keys(out), ["uuid"]);
      const value = Buffer.from(out.uuid!).toString();
      assert.match(value, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(value);
    }
    assert.equal(seen.size, 200);
  });
});

describe("Fake generator", () => {
  it("returns spec.data as bytes; no data is an empty map", async () => {
    const out = await fake.generate({ data: { user: "app", note: "ünï" } });
    assert.deepEqual(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Buffer.from(v).toString()])), { user: "app", note: "ünï" });
    assert.deepEqual(await fake.generate({}), {});
  });

  it("refuses more entries or bytes than a Secret can hold", async () => {
    const many = Object.fromEntries(Array.from({ length: MAX_FAKE_ENTRIES + 1 }, (_, i) => [`k${i}`, "v"]));
    await assert.rejects(fake.generate({ data: many }), GeneratorError);
    await assert.rejects(fake.generate({ data: { big: "x".repeat(MAX_FAKE_BYTES + 1) } }), GeneratorError);
  });
});
