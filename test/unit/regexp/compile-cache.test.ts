import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CompileCache } from "../../../src/regexp/compile-cache.ts";

describe("CompileCache", () => {
  const counting = () => {
    const built: string[] = [];
    return { built, build: (key: string) => (built.push(key), key.toUpperCase()) };
  };

  it("builds a key once while it is cached", () => {
    const cache = new CompileCache<string>({ maxEntries: 4, maxWeight: 1000 });
    const { built, build } = counting();
    assert.equal(cache.get("a", build, () => 1), "A");
    assert.equal(cache.get("a", build, () => 1), "A");
    assert.deepEqual(built, ["a"]);
  });

  it("evicts the least recently used beyond maxEntries", () => {
    const cache = new CompileCache<string>({ maxEntries: 2, maxWeight: 1000 });
    const { built, build } = counting();
    for (const key of ["a", "b", "a", "c", "a", "b"]) cache.get(key, build, () => 1);
    // "b" was the least recently used when "c" came in.
    assert.deepEqual(built, ["a", "b", "c", "b"]);
    assert.equal(cache.size, 2);
  });

  it("evicts by weight (value weight plus key length)", () => {
    const cache = new CompileCache<string>({ maxEntries: 100, maxWeight: 100 });
    const { built, build } = counting();
    for (const key of ["a", "b", "c", "d", "a"]) cache.get(key, build, () => 24); // 25 each: four fit
    assert.deepEqual(built, ["a", "b", "c", "d"]);
    cache.get("e", build, () => 24);
    assert.equal(cache.size, 4);
    cache.get("b", build, () => 24); // "b" was the least recently used when "e" came in
    assert.deepEqual(built, ["a", "b", "c", "d", "e", "b"]);
  });

  it("never keeps an entry heavier than a quarter of maxWeight", () => {
    const cache = new CompileCache<string>({ maxEntries: 100, maxWeight: 100 });
    const { built, build } = counting();
    cache.get("big", build, () => 30);
    cache.get("big", build, () => 30);
    assert.deepEqual(built, ["big", "big"]);
    assert.equal(cache.size, 0);
  });

  it("does not cache a failed build", () => {
    const cache = new CompileCache<string>({ maxEntries: 4, maxWeight: 1000 });
    let calls = 0;
    const failing = () => {
      calls++;
      throw new Error("bad");
    };
    assert.throws(() => cache.get("x", failing, () => 1));
    assert.throws(() => cache.get("x", failing, () => 1));
    assert.equal(calls, 2);
  });
});
