// The write half goes through every session layer: the request budget (a write spends a token like a read), the
// answer watch (a write's answer counts), and the shared-fetch layer (writes never cached or joined; one that
// changed something drops the session's cached reads, so a read right after sees the written value).
import { test } from "node:test";
import assert from "node:assert/strict";
import { rateLimited } from "../../../src/provider/rate-limit.ts";
import { answerWatched } from "../../../src/provider/answer-watch.ts";
import { sharedFetches } from "../../../src/provider/shared-fetches.ts";
import { FetchCache } from "../../../src/provider/fetch-cache.ts";
import { ProviderUnavailableError } from "../../../src/provider/errors.ts";
import type { PushClient, SecretsClient } from "../../../src/provider/types.ts";
import type { TokenBucket } from "../../../src/controller/token-bucket.ts";

function store(): { client: SecretsClient; value: { text: string }; calls: string[] } {
  const value = { text: "v1" };
  const calls: string[] = [];
  const push: PushClient = {
    pushSecret: async () => {
      calls.push("push");
      if (value.text === "down") throw new ProviderUnavailableError("down");
      const before = value.text;
      value.text = "v2";
      return before === "v2" ? "unchanged" : "updated";
    },
    deleteSecret: async () => (calls.push("delete"), "deleted"),
    secretExists: async () => (calls.push("exists"), true),
  };
  const client: SecretsClient = {
    getSecret: async () => (calls.push("get"), new TextEncoder().encode(value.text)),
    getSecretMap: async () => ({}),
    findSecrets: async () => ({}),
    validate: async () => undefined,
    close: async () => undefined,
    push,
  };
  return { client, value, calls };
}

const request = { remoteRef: { remoteKey: "k" }, secretKey: "a", data: { a: new Uint8Array([1]) } };

test("the request budget: every write call takes a token", async () => {
  let taken = 0;
  const bucket = { take: async () => void taken++ } as unknown as TokenBucket;
  const { client } = store();
  const limited = rateLimited(client, bucket);
  await limited.push!.pushSecret(request);
  await limited.push!.secretExists(request.remoteRef);
  await limited.push!.deleteSecret(request.remoteRef);
  assert.equal(taken, 3);
});

test("the answer watch: a write that reached the provider is an answer, an outage is not", async () => {
  const seen: boolean[] = [];
  const { client, value } = store();
  const watched = answerWatched(client, (available) => seen.push(available));
  await watched.push!.pushSecret(request);
  value.text = "down";
  await assert.rejects(watched.push!.pushSecret(request));
  assert.deepEqual(seen, [true, false]);
});

test("shared fetches: a changing write drops cached reads; an unchanged one keeps them", async () => {
  const { client, calls } = store();
  const shared = sharedFetches(client, new FetchCache({ ttlMs: 60_000, maxBytes: 1 << 20 }), "s");
  const read = async () => new TextDecoder().decode(await shared.maxAge(60_000).getSecret({ key: "k" } as never));
  assert.equal(await read(), "v1");
  assert.equal(await read(), "v1");
  assert.equal(calls.filter((c) => c === "get").length, 1, "the second read came from the cache");
  assert.equal(await shared.push!.pushSecret(request), "updated");
  assert.equal(await read(), "v2", "a read after the write sees it");
  assert.equal(await shared.push!.pushSecret(request), "unchanged");
  await read();
  assert.equal(calls.filter((c) => c === "get").length, 2, "an unchanged push kept the cache");
});
