import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TokenBucket } from "../../../src/controller/token-bucket.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("TokenBucket", () => {
  it("lets a burst through, then holds requests until tokens refill", async () => {
    let now = 0;
    const bucket = new TokenBucket({ requestsPerSecond: 1000, burst: 2 }, () => now);
    const done: number[] = [];
    for (let i = 0; i < 4; i++) void bucket.take().then(() => done.push(i));
    await tick();
    await tick();
    assert.deepEqual(done, [0, 1], "the burst goes out at once");
    now += 1; // one token at 1000/s
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(done, [0, 1, 2], "one more after a token refills, in order");
    now += 1;
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(done, [0, 1, 2, 3]);
  });
  it("defaults the burst to the rate (at least one)", async () => {
    const bucket = new TokenBucket({ requestsPerSecond: 0.5 }, () => 0);
    let served = 0;
    void bucket.take().then(() => served++);
    void bucket.take().then(() => served++);
    await tick();
    await tick();
    assert.equal(served, 1);
  });
});
