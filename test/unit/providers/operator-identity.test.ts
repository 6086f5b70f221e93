// Which specs would authenticate as the operator itself (Provider.operatorIdentity, refused for SecretStores by
// the session layer), which AWS endpoint overrides are refused, and the audiences each provider mints tokens for.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Provider } from "../../../src/provider/types.ts";
import type { KubeAccess } from "../../../src/kube/access.ts";
import type { ServiceAccountSelector } from "../../../src/api/common.ts";
import { ConfigError } from "../../../src/provider/errors.ts";
import { vaultProvider } from "../../../providers/vault/index.ts";
import { awsProvider } from "../../../providers/aws/index.ts";
import { gcpsmProvider } from "../../../providers/gcpsm/index.ts";
import { sopsProvider } from "../../../providers/sops/index.ts";
import { fakeProvider } from "../../../providers/fake/index.ts";
import { endpointsRefusal } from "../../../providers/aws/endpoints.ts";
import { tokenSource } from "../../../providers/vault/auth.ts";
import { VaultHttp } from "../../../providers/vault/http.ts";
import { VaultProviderSpec } from "../../../providers/vault/schema.ts";
import { tokenAudiences } from "../../../providers/aws/auth-web-identity.ts";
import { silentLogger } from "../../../src/controller/logging.ts";
import { federationClient, workloadIdentityClient } from "../../../providers/gcpsm/auth-workload-identity.ts";
import { resolveEndpoint } from "../../../providers/gcpsm/endpoint.ts";

const secretRef = { name: "s", key: "k" };
const vault = { server: "https://vault.example:8200" };
const aws = { service: "SecretsManager", region: "eu-west-1" };

describe("operatorIdentity", () => {
  const table: Array<{ name: string; provider: Provider<any>; spec: unknown; want: RegExp | undefined }> = [
    { name: "vault kubernetes without refs: the operator's token", provider: vaultProvider, spec: { ...vault, auth: { kubernetes: { role: "r" } } }, want: /operator's ServiceAccount token/ },
    { name: "vault kubernetes with serviceAccountRef", provider: vaultProvider, spec: { ...vault, auth: { kubernetes: { role: "r", serviceAccountRef: { name: "sa" } } } }, want: undefined },
    { name: "vault kubernetes with a token Secret", provider: vaultProvider, spec: { ...vault, auth: { kubernetes: { role: "r", secretRef } } }, want: undefined },
    { name: "vault token", provider: vaultProvider, spec: { ...vault, auth: { tokenSecretRef: secretRef } }, want: undefined },
    { name: "vault jwt with a minted token", provider: vaultProvider, spec: { ...vault, auth: { jwt: { kubernetesServiceAccountToken: { serviceAccountRef: { name: "sa" } } } } }, want: undefined },
    { name: "aws empty auth: the default chain", provider: awsProvider, spec: aws, want: /AWS default credential chain/ },
    { name: "aws empty auth with a role to assume: still the default chain", provider: awsProvider, spec: { ...aws, role: "arn:aws:iam::1:role/r" }, want: /AWS default credential chain/ },
    { name: "aws static keys", provider: awsProvider, spec: { ...aws, auth: { secretRef: { accessKeyIDSecretRef: secretRef, secretAccessKeySecretRef: secretRef } } }, want: undefined },
    { name: "aws web identity", provider: awsProvider, spec: { ...aws, auth: { jwt: { serviceAccountRef: { name: "sa" } } } }, want: undefined },
    { name: "gcpsm empty auth: application default credentials", provider: gcpsmProvider, spec: { projectID: "p" }, want: /application default credentials/ },
    { name: "gcpsm empty auth with an endpoint override: no credentials at all", provider: gcpsmProvider, spec: { projectID: "p", endpoint: "http://127.0.0.1:1" }, want: undefined },
    { name: "gcpsm key", provider: gcpsmProvider, spec: { projectID: "p", auth: { secretRef: { secretAccessKeySecretRef: secretRef } } }, want: undefined },
    { name: "gcpsm workload identity", provider: gcpsmProvider, spec: { projectID: "p", auth: { workloadIdentity: { serviceAccountRef: { name: "sa" } } } }, want: undefined },
    { name: "sops", provider: sopsProvider, spec: { source: { configMap: { name: "c" } }, decryption: { ageKeySecretRef: { name: "a" } } }, want: undefined },
    { name: "fake", provider: fakeProvider, spec: { data: [] }, want: undefined },
  ];
  for (const { name, provider, spec, want } of table) {
    it(name, () => {
      const parsed = provider.schema.parse(spec);
      const uses = provider.operatorIdentity(parsed);
      if (want === undefined) assert.equal(uses, undefined);
      else assert.match(uses ?? "", want);
    });
  }
  it("gcpsm: $GCP_SECRETMANAGER_ENDPOINT counts as an override (the operator's own choice)", () => {
    assert.equal(resolveEndpoint({}, { GCP_SECRETMANAGER_ENDPOINT: "127.0.0.1:1" }).overridden, true);
  });
});

describe("aws endpointsRefusal", () => {
  const keys = { secretRef: { accessKeyIDSecretRef: secretRef, secretAccessKeySecretRef: secretRef } };
  const table = [
    { name: "no overrides", given: {}, want: undefined },
    { name: "https with static keys", given: { auth: keys, endpoints: { secretsManager: "https://vpce.example" } }, want: undefined },
    { name: "loopback http with static keys", given: { auth: keys, endpoints: { sts: "http://127.0.0.1:25000" } }, want: undefined },
    { name: "plain http elsewhere", given: { auth: keys, endpoints: { ssm: "http://10.1.2.3:4566" } }, want: /^spec\.provider\.aws\.endpoints\.ssm http:\/\/10\.1\.2\.3:4566 is refused/ },
    { name: "any override with empty auth", given: { endpoints: { secretsManager: "https://vpce.example" } }, want: /cannot be used with empty auth/ },
    { name: "a loopback override with empty auth too", given: { endpoints: { sts: "http://127.0.0.1:25000" } }, want: /cannot be used with empty auth/ },
    { name: "web identity may name its STS", given: { auth: { jwt: { serviceAccountRef: { name: "sa" } } }, endpoints: { sts: "https://sts.example" } }, want: undefined },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const message = endpointsRefusal(given);
      if (want === undefined) assert.equal(message, undefined);
      else assert.match(message ?? "", want);
    });
  }
});

/** A KubeAccess that records the ServiceAccount refs tokens are minted for, then stops the login there. */
function recordingKube() {
  const minted: ServiceAccountSelector[] = [];
  const stop = new ConfigError("stop after the TokenRequest");
  const kube = {
    resolveNamespace: () => "team",
    serviceAccountToken: async (ref: ServiceAccountSelector) => {
      minted.push(ref);
      throw stop;
    },
    serviceAccountAnnotations: async () => ({}),
  } as unknown as KubeAccess;
  return { kube, minted, stop };
}

describe("token audiences per provider", () => {
  const http = new VaultHttp({ server: vault.server, tls: {}, headers: {}, readYourWrites: false });
  const vaultCases = [
    { name: "vault kubernetes: vault when the spec names none", auth: { kubernetes: { role: "r", serviceAccountRef: { name: "sa" } } }, want: ["vault"] },
    { name: "vault kubernetes: an empty list is none", auth: { kubernetes: { role: "r", serviceAccountRef: { name: "sa", audiences: [] } } }, want: ["vault"] },
    { name: "vault kubernetes: the role's audience from the spec", auth: { kubernetes: { role: "r", serviceAccountRef: { name: "sa", audiences: ["vault-prod"] } } }, want: ["vault-prod"] },
    { name: "vault jwt: vault by default", auth: { jwt: { kubernetesServiceAccountToken: { serviceAccountRef: { name: "sa" } } } }, want: ["vault"] },
    { name: "vault jwt: the ref's plus the token's (ESO)", auth: { jwt: { kubernetesServiceAccountToken: { serviceAccountRef: { name: "sa", audiences: ["a"] }, audiences: ["b"] } } }, want: ["a", "b"] },
    { name: "vault jwt: the ref's plus the default", auth: { jwt: { kubernetesServiceAccountToken: { serviceAccountRef: { name: "sa", audiences: ["a"] } } } }, want: ["a", "vault"] },
  ];
  for (const { name, auth, want } of vaultCases) {
    it(name, async () => {
      const { kube, minted, stop } = recordingKube();
      const source = tokenSource(VaultProviderSpec.parse({ ...vault, auth }), kube, http, Date.now);
      await assert.rejects(source.obtain(), (err) => err === stop);
      assert.deepEqual(minted.map((ref) => ref.audiences), [want]);
    });
  }

  const awsCases: Array<{ name: string; given: { annotations: Record<string, string>; extra: string[] | undefined }; want: string[] }> = [
    { name: "aws web identity: sts.amazonaws.com", given: { annotations: {}, extra: undefined }, want: ["sts.amazonaws.com"] },
    { name: "aws web identity: the account's audience annotation, then the ref's", given: { annotations: { "eks.amazonaws.com/audience": "custom" }, extra: ["x"] }, want: ["custom", "x"] },
  ];
  for (const { name, given, want } of awsCases) it(name, () => assert.deepEqual(tokenAudiences(given.annotations, given.extra), want));

  const gcpCases = [
    {
      name: "gcp workload identity: the cluster project's identity pool",
      client: (ctx: Parameters<typeof workloadIdentityClient>[1]) =>
        workloadIdentityClient({ serviceAccountRef: { name: "sa" }, clusterLocation: "l", clusterName: "c", clusterProjectID: "cp" }, ctx),
      want: ["cp.svc.id.goog"],
    },
    {
      name: "gcp federation: the provider's audience",
      client: (ctx: Parameters<typeof workloadIdentityClient>[1]) => federationClient({ serviceAccountRef: { name: "sa" }, audience: "//iam.googleapis.com/projects/1/x" }, ctx),
      want: ["//iam.googleapis.com/projects/1/x"],
    },
  ];
  for (const { name, client, want } of gcpCases) {
    it(name, async () => {
      const { kube, minted } = recordingKube();
      const auth = client({ spec: { projectID: "p" }, kube, log: silentLogger(), endpoint: resolveEndpoint({ endpoint: "http://127.0.0.1:1" }, {}) });
      await assert.rejects(auth.getRequestHeaders());
      assert.deepEqual(minted.map((ref) => ref.audiences), [want]);
    });
  }
});
