// The slim kubeconfig loader: client-node's field names, paths relative to the file, the in-cluster layout.
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { KubeConfig } from "../../../../src/kube/http/index.ts";
import { needsFallbackAuth } from "../../../../src/kube/http/fallback-auth.ts";

const doc = `
apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: { server: "https://10.0.0.1:6443/", certificate-authority: ca.crt, tls-server-name: api.internal }
- name: c2
  cluster: { server: "https://10.0.0.2", certificate-authority-data: Q0E=, insecure-skip-tls-verify: true }
users:
- name: u1
  user: { client-certificate: certs/me.crt, client-key: /abs/me.key }
- name: u2
  user: { token: abc, username: ignored }
- name: u3
  user: { exec: { command: aws, args: [eks, get-token] } }
contexts:
- name: first
  context: { cluster: c1, user: u1, namespace: ops }
- name: second
  context: { cluster: c2, user: u2 }
- name: third
  context: { cluster: c2, user: u3 }
current-context: second
`;

test("a kubeconfig file: current context, client-node's field names, relative paths from the file's directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "kc-"));
  writeFileSync(join(dir, "config"), doc);
  const kc = new KubeConfig();
  kc.loadFromFile(join(dir, "config"));
  assert.equal(kc.getCurrentContext(), "second");
  assert.deepEqual(kc.getCurrentCluster(), { name: "c2", server: "https://10.0.0.2", caData: "Q0E=", caFile: undefined, skipTLSVerify: true, tlsServerName: undefined, proxyUrl: undefined });
  assert.equal(kc.getCurrentUser()?.token, "abc");
  kc.currentContext = "first";
  assert.equal(kc.getCurrentCluster()?.server, "https://10.0.0.1:6443", "trailing slash dropped: paths are appended");
  assert.equal(kc.getCurrentCluster()?.caFile, join(dir, "ca.crt"));
  assert.equal(kc.getCurrentCluster()?.tlsServerName, "api.internal");
  assert.equal(kc.getCurrentUser()?.certFile, join(dir, "certs/me.crt"));
  assert.equal(kc.getCurrentUser()?.keyFile, "/abs/me.key");
  assert.equal(kc.getContextObject("first")?.namespace, "ops");
  assert.equal(needsFallbackAuth(kc), false);
  kc.currentContext = "third";
  assert.equal(needsFallbackAuth(kc), true, "exec plugins are client-node's job");
});

test("no current-context: the first context; unknown names: no cluster", () => {
  const kc = new KubeConfig();
  kc.loadFromString(doc.replace("current-context: second", ""));
  assert.equal(kc.getCurrentContext(), "first");
  kc.currentContext = "nope";
  assert.equal(kc.getCurrentCluster(), undefined);
  assert.equal(kc.getCurrentUser(), undefined);
});

test("in-cluster: the service host and port, the mounted CA, token file and namespace under a root", () => {
  const root = mkdtempSync(join(tmpdir(), "pod-"));
  const dir = join(root, "var/run/secrets/kubernetes.io/serviceaccount");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "namespace"), "ops\n");
  const env = { host: process.env["KUBERNETES_SERVICE_HOST"], port: process.env["KUBERNETES_SERVICE_PORT"] };
  try {
    process.env["KUBERNETES_SERVICE_HOST"] = "fd00::1";
    process.env["KUBERNETES_SERVICE_PORT"] = "443";
    const kc = new KubeConfig();
    kc.loadFromCluster(root);
    assert.equal(kc.getCurrentCluster()?.server, "https://[fd00::1]:443");
    assert.equal(kc.getCurrentCluster()?.caFile, join(dir, "ca.crt"));
    assert.equal(kc.getCurrentUser()?.tokenFile, join(dir, "token"));
    assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, "ops");
  } finally {
    for (const [key, value] of [["KUBERNETES_SERVICE_HOST", env.host], ["KUBERNETES_SERVICE_PORT", env.port]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
});
