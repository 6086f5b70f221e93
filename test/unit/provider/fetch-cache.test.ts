import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FetchCache } from "../../../src/provider/fetch-cache.ts";
import { sharedFetches } from "../../../src/provider/shared-fetches.ts";
import type { SecretsClient } from "../../../src/provider/types.ts";

const bytes = (n: number) => new Uint8Array(n);

describe("FetchCache", () => {
  it("serves a read within the TTL and the caller's max age, and not after", () => {
    let now = 0;
    const cache = new FetchCache({ ttlMs: 1000, maxBytes: 1 << 20, now: () => now });
    cache.set("s\u0000a", bytes(3));
    now = 500;
    assert.ok(cache.get("s\u0000a"));
    assert.equal(cache.get("s\u0000a", 100), undefined, "older than the caller tolerates");
    now = 1000;
    assert.equal(cache.get("s\u0000a"), undefined, "expired");
    assert.equal(cache.size(), 0);
  });
  it("evicts least recently used entries to stay within its byte bound", () => {
    const cache = new FetchCache({ ttlMs: 10_000, maxBytes: 3 * (1000 + 64) });
    cache.set("a", bytes(1000));
    cache.set("b", bytes(1000));
    cache.set("c", bytes(1000));
    cache.get("a"); // a is now the most recent
    cache.set("d", bytes(1000));
    assert.ok(cache.get("a") && cache.get("c") && cache.get("d"));
    assert.equal(cache.get("b"), undefined);
    assert.ok(cache.bytes() <= 3 * (1000 + 64));
  });
  it("refuses a value larger than the whole cache instead of flushing everything", () => {
    const cache = new FetchCache({ ttlMs: 10_000, maxBytes: 500 });
    cache.set("small", bytes(10));
    cache.set("huge", bytes(10_000));
    assert.ok(cache.get("small"));
    assert.equal(cache.get("huge"), undefined);
  });
  it("drops a closed session's entries only", () => {
    const cache = new FetchCache({ ttlMs: 10_000, maxBytes: 1 << 20 });
    cache.set("s1\u0000x", bytes(1));
    cache.set("s2\u0000x", bytes(1));
    cache.dropPrefix("s1\u0000");
    assert.equal(cache.get("s1\u0000x"), undefined);
    assert.ok(cache.get("s2\u0000x"));
  });
});

describe("sharedFetches", () => {
  const counting = () => {
    const calls = { n: 0 };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client: SecretsClient = {
      async getSecret() {
        calls.n++;
        await gate;
        return bytes(1);
      },
      async getSecretMap() {
        calls.n++;
        return {};
      },
      async findSecrets() {
        return {};
      },
      async validate() {},
      async close() {},
    };
    return { calls, client, release };
  };

  it("joins identical concurrent reads into one call and serves the window from cache", async () => {
    const { calls, client, release } = counting();
    const session = sharedFetches(client, new FetchCache({ ttlMs: 10_000, maxBytes: 1 << 20 }), "s");
    const pending = [session.getSecret({ key: "k" }), session.getSecret({ key: "k" }), session.getSecret({ key: "other" })];
    release();
    await Promise.all(pending);
    assert.equal(calls.n, 2, "one call per distinct key");
    await session.maxAge(5000).getSecret({ key: "k" });
    assert.equal(calls.n, 2, "served from the cache");
    await session.maxAge(0).getSecret({ key: "k" });
    assert.equal(calls.n, 3, "maxAge 0 always asks the provider");
  });
});
