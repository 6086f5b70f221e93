// The TokenRequest gate of kube/access.ts: with --service-account-token-requests=false no request is sent and
// the store gets a ConfigError naming the flag. Unit level: a counting stand-in for the core API (the real
// apiserver path runs in test/e2e/in-cluster.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kubeAccess, TOKEN_REQUESTS_DISABLED } from "../../../src/kube/access.ts";
import type { KubeClients } from "../../../src/kube/clients.ts";
import { ConfigError } from "../../../src/provider/errors.ts";

function access(tokenRequests: boolean | undefined) {
  const sent: string[] = [];
  const core = {
    createNamespacedServiceAccountToken: async ({ name, namespace }: { name: string; namespace: string }) => {
      sent.push(`${namespace}/${name}`);
      return { status: { token: "minted" } };
    },
  };
  const clients = { core, ...(tokenRequests === undefined ? {} : { tokenRequests }) } as unknown as KubeClients;
  return { kube: kubeAccess(clients, { kind: "SecretStore", name: "s", namespace: "team-a" }), sent };
}

describe("kubeAccess.serviceAccountToken", () => {
  const table: { name: string; tokenRequests: boolean | undefined; want: "token" | "refused" }[] = [
    { name: "allowed by default", tokenRequests: undefined, want: "token" },
    { name: "allowed", tokenRequests: true, want: "token" },
    { name: "disabled by the platform", tokenRequests: false, want: "refused" },
  ];
  for (const { name, tokenRequests, want } of table) {
    it(name, async () => {
      const { kube, sent } = access(tokenRequests);
      if (want === "token") {
        assert.equal(await kube.serviceAccountToken({ name: "app" }), "minted");
        assert.deepEqual(sent, ["team-a/app"]);
        return;
      }
      await assert.rejects(kube.serviceAccountToken({ name: "app" }), (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.message, `no token for service account team-a/app: ${TOKEN_REQUESTS_DISABLED}`);
        return true;
      });
      assert.deepEqual(sent, []);
    });
  }
});
