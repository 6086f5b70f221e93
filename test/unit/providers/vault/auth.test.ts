// Choosing the auth method from a store spec, which refs make a ClusterSecretStore's sessions per namespace,
// and the schema slice accepting ESO's manifests.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../../src/provider/errors.ts";
import type { KubeAccess } from "../../../../src/kube/access.ts";
import { tokenSource } from "../../../../providers/vault/auth.ts";
import { VaultHttp } from "../../../../providers/vault/http.ts";
import { vaultProvider } from "../../../../providers/vault/index.ts";
import { VaultProviderSpec } from "../../../../providers/vault/schema.ts";

const server = "https://vault.example:8200";
const noKube = {} as KubeAccess;
const http = new VaultHttp({ server, tls: {}, headers: {}, readYourWrites: false });
const ref = { name: "s", key: "k" };

describe("tokenSource", () => {
  const cases: Array<{ name: string; given: unknown; want: string | typeof ConfigError }> = [
    { name: "token", given: { tokenSecretRef: ref }, want: "token" },
    { name: "kubernetes defaults its mount", given: { kubernetes: { role: "r" } }, want: "kubernetes@kubernetes" },
    { name: "kubernetes with a mount", given: { kubernetes: { role: "r", mountPath: "k8s-prod" } }, want: "kubernetes@k8s-prod" },
    { name: "appRole", given: { appRole: { roleId: "id", secretRef: ref } }, want: "approle@approle" },
    { name: "appRole without roleId or roleRef", given: { appRole: { secretRef: ref } }, want: ConfigError },
    { name: "jwt with a minted token", given: { jwt: { role: "r", kubernetesServiceAccountToken: { serviceAccountRef: { name: "sa" } } } }, want: "jwt@jwt" },
    { name: "jwt without a token source", given: { jwt: { role: "r" } }, want: ConfigError },
    { name: "cert", given: { cert: { clientCert: ref, secretRef: ref } }, want: "cert@cert" },
    { name: "userPass", given: { userPass: { path: "up", username: "u", secretRef: ref } }, want: "userpass@up" },
    { name: "userPass without a password", given: { userPass: { username: "u" } }, want: ConfigError },
    { name: "no method", given: {}, want: ConfigError },
    { name: "two methods", given: { tokenSecretRef: ref, appRole: { roleId: "id", secretRef: ref } }, want: ConfigError },
  ];
  for (const { name, given, want } of cases) {
    it(name, () => {
      const spec = VaultProviderSpec.parse({ server, auth: given });
      if (typeof want === "string") assert.equal(tokenSource(spec, noKube, http, Date.now).label, want);
      else assert.throws(() => tokenSource(spec, noKube, http, Date.now), want);
    });
  }
});

describe("referentAuth", () => {
  const cases = [
    { name: "a secretRef without namespace follows the ExternalSecret", given: { tokenSecretRef: ref }, want: true },
    { name: "a secretRef with a namespace is fixed", given: { tokenSecretRef: { ...ref, namespace: "vault" } }, want: false },
    { name: "a serviceAccountRef without namespace", given: { kubernetes: { role: "r", serviceAccountRef: { name: "sa" } } }, want: true },
    { name: "the operator's own token refers to nothing", given: { kubernetes: { role: "r" } }, want: false },
    { name: "an inline roleId with a namespaced secretRef", given: { appRole: { roleId: "id", secretRef: { ...ref, namespace: "n" } } }, want: false },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.equal(vaultProvider.referentAuth(VaultProviderSpec.parse({ server, auth: given })), want));
});

describe("VaultProviderSpec", () => {
  it("accepts ESO's full connection fields", () => {
    const spec = VaultProviderSpec.parse({
      server,
      path: "secret",
      version: "v1",
      namespace: "team",
      caBundle: "Zm9v",
      caProvider: { type: "Secret", name: "ca", key: "ca.crt" },
      readYourWrites: true,
      forwardInconsistent: true,
      headers: { "X-Team": "a" },
      auth: { namespace: "admin", tokenSecretRef: ref },
    });
    assert.equal(spec.version, "v1");
    assert.equal(spec.auth?.namespace, "admin");
  });
  it("writes no defaults into the spec", () => {
    const spec = VaultProviderSpec.parse({ server, auth: { kubernetes: { role: "r" } } });
    assert.equal(spec.version, undefined);
    assert.equal(spec.auth?.kubernetes?.mountPath, undefined);
  });
  it("rejects an unknown version and a server that is not a URL", () => {
    assert.equal(VaultProviderSpec.safeParse({ server, version: "v3" }).success, false);
    assert.equal(VaultProviderSpec.safeParse({ server: "not a url" }).success, false);
  });
});
