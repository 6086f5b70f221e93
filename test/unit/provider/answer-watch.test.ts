import { test } from "node:test";
import assert from "node:assert/strict";
import { answerWatched } from "../../../src/provider/answer-watch.ts";
import { NoSecretError, PermissionDeniedError, ProviderUnavailableError } from "../../../src/provider/errors.ts";
import type { SecretsClient } from "../../../src/provider/types.ts";

test("answerWatched: a value or a refusal is an answer, unavailable is not, a foreign error says nothing", async () => {
  const outcomes: boolean[] = [];
  const behaviours: Array<() => Promise<Uint8Array>> = [
    async () => new Uint8Array([1]),
    async () => Promise.reject(new NoSecretError("gone")),
    async () => Promise.reject(new PermissionDeniedError("denied")),
    async () => Promise.reject(new ProviderUnavailableError("down")),
    async () => Promise.reject(new TypeError("bug")),
  ];
  let next = 0;
  const client = {
    getSecret: () => behaviours[next++]!(),
    getSecretMap: async () => ({}),
    findSecrets: async () => ({}),
    validate: async () => undefined,
    close: async () => undefined,
  } satisfies SecretsClient;
  const watched = answerWatched(client, (available) => outcomes.push(available));
  for (let i = 0; i < behaviours.length; i++) await watched.getSecret({ key: "k" } as never).catch(() => undefined);
  assert.deepEqual(outcomes, [true, true, true, false]);
});
