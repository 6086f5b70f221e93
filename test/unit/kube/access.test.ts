// The TokenRequest gate of kube/access.ts: with --service-account-token-requests=false no request is sent and the
// store gets a ConfigError naming the flag; a token is never minted without an audience or for one of the
// kube-apiserver's own (issue 14), whether learned from the user's token, a pod's token file or the issuer
// document. Unit level: a counting stand-in for the core API (the real apiserver path runs in
// test/e2e/in-cluster.test.ts and test/integration/tenant-identity-*.test.ts).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubeAccess, TOKEN_REQUESTS_DISABLED } from "../../../src/kube/access.ts";
import type { KubeClients } from "../../../src/kube/clients.ts";
import { ConfigError, ProviderUnavailableError } from "../../../src/provider/errors.ts";

const jwt = (aud: string[]) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ aud })).toString("base64url")}.sig`;

/** A token file as a pod has it (the in-cluster kubeconfig's user reads it), naming `aud`. */
function podTokenFile(aud: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "pod-token-")), "token");
  writeFileSync(file, `${jwt(aud)}\n`);
  return file;
}

interface Given {
  tokenRequests?: boolean;
  /** The audiences of the kubeconfig user's inline token. */
  aud?: string[];
  /** A token file as loadFromCluster sets it up. */
  tokenFile?: string;
  /** The issuer of /.well-known/openid-configuration (forbidden when unset). */
  issuer?: string;
  audiences: string[];
}

/** Clients over a stand-in apiserver, recording the TokenRequests sent. */
function access(given: Given) {
  const sent: Array<{ name: string; namespace: string; audiences: string[] }> = [];
  const clients = {
    ...(given.tokenRequests === undefined ? {} : { tokenRequests: given.tokenRequests }),
    kc: {
      getCurrentUser: () => ({
        name: "u",
        ...(given.aud ? { token: jwt(given.aud) } : {}),
        ...(given.tokenFile ? { authProvider: { name: "tokenFile", config: { tokenFile: given.tokenFile } } } : {}),
      }),
      makeApiClient: () => ({
        getServiceAccountIssuerOpenIDConfiguration: async () => {
          if (!given.issuer) throw Object.assign(new Error("forbidden"), { code: 403 });
          return JSON.stringify({ issuer: given.issuer });
        },
      }),
    },
    core: {
      createNamespacedServiceAccountToken: async (req: { name: string; namespace: string; body: { spec: { audiences: string[] } } }) => {
        sent.push({ name: req.name, namespace: req.namespace, audiences: req.body.spec.audiences });
        return { status: { token: "minted" } };
      },
    },
  } as unknown as KubeClients;
  return { kube: kubeAccess(clients, { kind: "SecretStore", name: "s", namespace: "team-a" }), sent };
}

describe("kubeAccess.serviceAccountToken", () => {
  // The machine running the tests may have a token at the default path: point the own-token source elsewhere.
  const previous = process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"];
  before(() => {
    process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"] = "/nonexistent/token";
  });
  after(() => {
    if (previous === undefined) delete process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"];
    else process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"] = previous;
  });

  const issuer = "https://issuer";
  const table: Array<{ name: string; given: Given; want: { minted: string[] } | { error: typeof ConfigError | typeof ProviderUnavailableError; message: RegExp } }> = [
    { name: "allowed by default", given: { issuer, audiences: ["vault"] }, want: { minted: ["vault"] } },
    { name: "allowed", given: { tokenRequests: true, issuer, audiences: ["vault"] }, want: { minted: ["vault"] } },
    { name: "disabled by the platform", given: { tokenRequests: false, issuer, audiences: ["vault"] }, want: { error: ConfigError, message: new RegExp(`^no token for service account team-a/app: ${TOKEN_REQUESTS_DISABLED.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) } },
    { name: "the issuer (from the openid document) is refused", given: { issuer, audiences: [issuer] }, want: { error: ConfigError, message: /^TokenRequest for service account team-a\/app: audience "https:\/\/issuer" is refused/ } },
    { name: "the user token's audience is refused", given: { aud: ["https://api.internal"], audiences: ["sts.amazonaws.com", "https://api.internal"] }, want: { error: ConfigError, message: /is refused/ } },
    { name: "in a pod: the mounted token's audience is refused", given: { tokenFile: podTokenFile(["https://oidc.eks.example/id/1", "https://kubernetes.default.svc"]), audiences: ["https://oidc.eks.example/id/1"] }, want: { error: ConfigError, message: /is refused/ } },
    { name: "in a pod: the provider's audience is minted", given: { tokenFile: podTokenFile(["https://oidc.eks.example/id/1"]), audiences: ["sts.amazonaws.com"] }, want: { minted: ["sts.amazonaws.com"] } },
    { name: "an in-cluster service name is refused", given: { issuer, audiences: ["https://kubernetes.default.svc.cluster.local"] }, want: { error: ConfigError, message: /is refused/ } },
    { name: "no audience is refused without asking anything", given: { audiences: [] }, want: { error: ConfigError, message: /without an audience/ } },
    { name: "nothing learned: nothing minted", given: { audiences: ["vault"] }, want: { error: ProviderUnavailableError, message: /cannot tell the kube-apiserver's token audiences/ } },
  ];
  for (const { name, given, want } of table) {
    it(name, async () => {
      const { kube, sent } = access(given);
      const minting = kube.serviceAccountToken({ name: "app", audiences: given.audiences });
      if ("minted" in want) {
        assert.equal(await minting, "minted");
        assert.deepEqual(sent, [{ name: "app", namespace: "team-a", audiences: want.minted }]);
      } else {
        await assert.rejects(minting, (err: Error) => err instanceof want.error && want.message.test(err.message));
        assert.deepEqual(sent, [], "no TokenRequest was made");
      }
    });
  }
});
