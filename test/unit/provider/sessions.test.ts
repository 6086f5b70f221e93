// StoreSessions with a counting stand-in provider: one connect per store version, however many callers ask at once.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { StoreSessions } from "../../../src/provider/sessions.ts";
import { ProviderRegistry } from "../../../src/provider/registry.ts";
import type { Provider, SecretsClient } from "../../../src/provider/types.ts";
import type { SecretStore } from "../../../src/api/secret-store.ts";
import type { KubeClients } from "../../../src/kube/clients.ts";
import { silentLogger } from "../../../src/controller/logging.ts";
import { ConfigError } from "../../../src/provider/errors.ts";

function countingProvider(ownIdentity?: string) {
  const counts = { connects: 0, closes: 0 };
  const provider: Provider<{ v: string }> = {
    name: "counting",
    schema: z.object({ v: z.string() }),
    capabilities: "ReadOnly",
    operatorIdentity: () => ownIdentity,
    async connect() {
      counts.connects++;
      await new Promise((resolve) => setTimeout(resolve, 2)); // a login takes a moment
      const client: SecretsClient = {
        getSecret: async () => new Uint8Array(),
        getSecretMap: async () => ({}),
        findSecrets: async () => ({}),
        validate: async () => {},
        close: async () => {
          counts.closes++;
          await new Promise((resolve) => setTimeout(resolve, 20)); // a revoke takes longer
        },
      };
      return client;
    },
  };
  return { provider, counts };
}

const store = (v: string): SecretStore =>
  ({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "s", namespace: "ns", uid: "u1" }, spec: { provider: { counting: { v } } } }) as unknown as SecretStore;

describe("StoreSessions", () => {
  it("connects once for concurrent callers, and once more (closing the old session) when the store changes", async () => {
    const { provider, counts } = countingProvider();
    const sessions = new StoreSessions({ registry: new ProviderRegistry([provider]), clients: {} as KubeClients, log: silentLogger() });
    const v1 = store("1");
    await Promise.all(Array.from({ length: 5 }, () => sessions.get(v1, "ns")));
    assert.deepEqual(counts, { connects: 1, closes: 0 });
    // The store reconciler and the re-syncing ExternalSecrets ask for the changed store while the old
    // session's revoke is still under way, and after it.
    const v2 = store("2");
    const early = sessions.get(v2, "ns");
    await new Promise((resolve) => setTimeout(resolve, 5));
    const late = Array.from({ length: 4 }, () => sessions.get(v2, "ns"));
    await Promise.all([early, ...late]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(counts, { connects: 2, closes: 1 });
    assert.equal(sessions.activeCount(), 1);
    await sessions.closeAll();
    assert.deepEqual(counts, { connects: 2, closes: 2 });
  });

  describe("the operator's own identity (issue 14)", () => {
    const table = [
      { name: "a SecretStore is refused before connect", given: { kind: "SecretStore", flag: false }, connects: 0 },
      { name: "a SecretStore with the flag on connects", given: { kind: "SecretStore", flag: true }, connects: 1 },
      { name: "a ClusterSecretStore connects", given: { kind: "ClusterSecretStore", flag: false }, connects: 1 },
    ] as const;
    for (const { name, given, connects } of table) {
      it(name, async () => {
        const { provider, counts } = countingProvider("the operator's token");
        const sessions = new StoreSessions({ registry: new ProviderRegistry([provider]), clients: {} as KubeClients, log: silentLogger(), allowAmbientForNamespaced: given.flag });
        const target = { ...store("1"), kind: given.kind } as SecretStore;
        const opened = sessions.get(target, "ns");
        if (connects === 0) await assert.rejects(opened, (err) => err instanceof ConfigError && /may not use the operator's own identity \(the operator's token\)/.test(err.message));
        else await opened;
        assert.equal(counts.connects, connects);
        assert.equal(sessions.activeCount(), connects);
        await sessions.closeAll();
      });
    }
  });
});
