// The shared capped reader: within the budget it passes bytes through; past it (or past a declared length) it
// throws ResponseTooLargeError and cancels the source; a part's bytes also count against the whole.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ByteBudget, cappedChunks, declaredLength, readCapped } from "../../../src/provider/capped-read.ts";
import { ResponseTooLargeError } from "../../../src/provider/errors.ts";

/** An endless source of `size`-byte chunks that records how many were pulled and whether it was cancelled. */
function endless(size: number) {
  const state = { pulled: 0, cancelled: false };
  const source = (async function* () {
    try {
      for (;;) {
        state.pulled++;
        yield new Uint8Array(size);
      }
    } finally {
      state.cancelled = true;
    }
  })();
  return { source, state };
}

async function* chunks(...sizes: number[]) {
  for (const size of sizes) yield new Uint8Array(size).fill(7);
}

describe("readCapped", () => {
  const table = [
    { name: "empty body", given: [] as number[], limit: 10, want: 0 },
    { name: "under the limit", given: [3, 4], limit: 10, want: 7 },
    { name: "exactly the limit", given: [5, 5], limit: 10, want: 10 },
  ];
  for (const { name, given, limit, want } of table) {
    it(name, async () => assert.equal((await readCapped(chunks(...given), new ByteBudget(limit, "x"))).length, want));
  }

  it("stops an endless body at the limit, cancels the source and names what was too large", async () => {
    const { source, state } = endless(1024);
    await assert.rejects(readCapped(source, new ByteBudget(10 * 1024, "vault read kv/app: the response")), (err: unknown) => {
      assert.ok(err instanceof ResponseTooLargeError);
      assert.equal(err.reason, "ResponseTooLarge");
      assert.equal(err.message, "vault read kv/app: the response: larger than the 10 KiB limit");
      return true;
    });
    assert.equal(state.pulled, 11, "one chunk past the limit, no more");
    assert.equal(state.cancelled, true);
  });

  it("rejects a declared length past the limit before reading a byte", async () => {
    const { source, state } = endless(1);
    await assert.rejects(readCapped(source, new ByteBudget(100, "x"), 101), ResponseTooLargeError);
    assert.equal(state.pulled, 0);
  });

  it("a consumer that stops early cancels the source too", async () => {
    const { source, state } = endless(1);
    for await (const _ of cappedChunks(source, new ByteBudget(100, "x"))) break;
    assert.equal(state.cancelled, true);
  });
});

describe("ByteBudget parts", () => {
  it("each part has its own limit and all of them count against the whole", async () => {
    const fetch = new ByteBudget(10, "git fetch");
    assert.equal((await readCapped(chunks(6), fetch.part(8, "response 1"))).length, 6);
    await assert.rejects(readCapped(chunks(9), fetch.part(8, "response 2")), /response 2: larger than the 8 bytes limit/);
    await assert.rejects(readCapped(chunks(5), fetch.part(8, "response 3")), /git fetch: larger than the 10 bytes limit/);
    assert.equal(fetch.used, 6, "a chunk that would pass a limit is not counted");
  });
});

describe("declaredLength", () => {
  const table = [
    { name: "number", given: "42", want: 42 },
    { name: "missing", given: null, want: undefined },
    { name: "not a number", given: "lots", want: undefined },
    { name: "negative", given: "-1", want: undefined },
    { name: "first of a list", given: ["7", "8"], want: 7 },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(declaredLength(given), want));
});
