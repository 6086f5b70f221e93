// `render` and `diff` as processes on a pull request written by an attacker (issue 14): its stores point Vault,
// AWS, Git and Secret Manager at a loopback server the test runs, and its templates try to print data in labels,
// annotations, key names and error messages. Without --allow-live-stores that server sees no connection at all
// (not the CI job's ambient AWS keys, not a TokenRequest token, not the in-cluster fallback); with it, it does,
// except that ambient AWS keys never sign requests for a store's `endpoints` (issue 14, providers/aws/endpoints.ts).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IncomingHttpHeaders } from "node:http";
import { parseAllDocuments, stringify } from "yaml";
import { createdByValue } from "../../src/api/markers.ts";
import { apiserverRequestCount, freshNamespace, loadBench } from "../helpers/bench.ts";
import { startHostileServer, type HostileServer } from "../helpers/hostile-http.ts";
import { kube } from "../helpers/operator.ts";
import { fixtureKey, sopsEncrypt } from "../helpers/sops.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const KEY_FILE = new URL("../fixtures/sops/team-a.agekey", import.meta.url).pathname;
const FLAG = "--allow-live-stores";
const AMBIENT_KEY = "AKIAAMBIENTCIJOB0001";

/** Every form a leaked value could take in output: as is, JSON-quoted, upper-cased, base64. */
const forms = (value: string) => [value, JSON.stringify(value), value.toUpperCase(), Buffer.from(value).toString("base64")];

describe("render and diff on an untrusted pull request", () => {
  const fakeValue = `planted-${randomBytes(6).toString("hex")}`;
  const sopsValue = `planted-${randomBytes(6).toString("hex")}`;
  const liveValue = `planted-${randomBytes(6).toString("hex")}`;
  const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];
  let server: HostileServer;
  let ns: string;
  let dir: string;
  let home: string;

  /** The CLI as a child process; asynchronous, so the loopback server in this process can answer it. */
  function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    // What a CI pod has: ambient AWS keys, the in-cluster service variables (aimed at the PR's server), no kubeconfig.
    const port = new URL(server.url).port;
    const env = { PATH: process.env.PATH, HOME: home, AWS_ACCESS_KEY_ID: AMBIENT_KEY, AWS_SECRET_ACCESS_KEY: "ambient-secret-key", KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: port };
    const child = spawn(process.execPath, ["src/cli.ts", ...args], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"], timeout: 90_000 });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    return new Promise((resolve) => child.once("close", (code) => resolve({ code, out, err })));
  }
  const assertNoLeak = (text: string) => {
    for (const value of [fakeValue, sopsValue, liveValue]) for (const form of forms(value)) assert.ok(!text.includes(form), `printed ${form}\n${text}`);
  };

  before(async () => {
    server = await startHostileServer((req, res) => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
      if (req.url?.startsWith("/v1/secret/data/")) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: { data: { password: "from-the-pr-server" } } }));
      else res.writeHead(400, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify({ __type: "ResourceNotFoundException", message: "no" }));
      return undefined;
    });
    ns = await freshNamespace("cli-untrusted");
    home = mkdtempSync(join(tmpdir(), "sb-pr-home-"));
    dir = mkdtempSync(join(tmpdir(), "sb-pr-"));
    const meta = (name: string) => ({ name, namespace: ns });
    const store = (name: string, provider: unknown) => ({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: meta(name), spec: { provider } });
    const es = (name: string, storeName: string, spec: Record<string, unknown>) => ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: meta(name), spec: { secretStoreRef: { name: storeName }, ...spec } });
    const extract = { dataFrom: [{ extract: { key: "/db" } }] };
    const one = { data: [{ secretKey: "password", remoteRef: { key: "app", property: "password" } }] };
    const encrypted = sopsEncrypt(`db:\n  password: ${sopsValue}\n`, { format: "yaml", recipients: [fixtureKey("team-a").recipient] }).toString();
    const docs = [
      { apiVersion: "v1", kind: "Secret", metadata: meta("pr-creds"), stringData: { token: "pr-vault-token" } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: meta("encrypted"), data: { "app.yaml": encrypted } },
      store("fake", { fake: { data: [{ key: "/db", value: JSON.stringify({ user: "app", password: fakeValue }) }] } }),
      store("sops", { sops: { source: { configMap: { name: "encrypted" } }, decryption: { ageKeySecretRef: { name: "sops-age" } } } }),
      store("vault", { vault: { server: server.url, path: "secret", version: "v2", auth: { tokenSecretRef: { name: "pr-creds", key: "token" } } } }),
      store("vault-k8s", { vault: { server: server.url, path: "secret", auth: { kubernetes: { role: "r", serviceAccountRef: { name: "ci" } } } } }),
      store("vault-pod-token", { vault: { server: server.url, path: "secret", auth: { kubernetes: { role: "r" } } } }),
      store("aws", { aws: { service: "SecretsManager", region: "us-east-1", endpoints: { secretsManager: server.url, sts: server.url } } }),
      store("git", { sops: { source: { git: { url: `${server.url}/repo.git` } }, decryption: { ageKeySecretRef: { name: "sops-age" } } } }),
      store("gcp", { gcpsm: { projectID: "p", endpoint: `127.0.0.1:${new URL(server.url).port}` } }),
      es("hostile", "fake", {
        ...extract,
        target: {
          template: {
            metadata: {
              labels: { leak: "{{ .password }}", "leak-upper": "{{ .password | upper }}", tier: "backend" },
              annotations: { "leak-b64": "{{ .password | b64enc }}", "leak-json": "{{ .password | toJson }}" },
            },
            templateFrom: [{ literal: "'{{ .password }}': computed-from-data\n", target: "Labels" }],
            data: { dsn: "{{ .user }}:{{ .password }}@db", upper: "{{ .password | upper }}" },
          },
        },
      }),
      es("hostile-fail", "fake", { ...extract, target: { template: { data: { k: "{{ .password | upper | fail }}" } } } }),
      es("hostile-key", "fake", { ...extract, target: { template: { templateFrom: [{ literal: "'{{ .password | b64enc }}': [1]" }] } } }),
      es("sops-app", "sops", { data: [{ secretKey: "password", remoteRef: { key: "app.yaml", property: "db.password" } }], target: { template: { metadata: { labels: { "from-sops": "{{ .password }}" } } } } }),
      ...["vault", "vault-k8s", "vault-pod-token", "aws", "git", "gcp"].map((name) => es(`${name}-app`, name, one)),
    ];
    writeFileSync(join(dir, "pr.yaml"), docs.map((doc) => stringify(doc)).join("---\n"));
  });
  after(async () => {
    await server?.close();
  });

  it("render opens no live store without the flag: no connection, a per-ExternalSecret error naming it", async () => {
    const r = await cli("render", dir, "--secret", `sops-age=team-a.agekey=${KEY_FILE}`);
    assert.equal(r.code, 1, r.out + r.err);
    assert.equal(server.connections(), 0, `the PR's server was contacted: ${JSON.stringify(seen)}`);
    for (const name of ["vault", "vault-k8s", "vault-pod-token", "aws", "git", "gcp"]) {
      assert.match(r.err, new RegExp(`ExternalSecret/${ns}/${name}-app: SecretStore ${name} uses the \\w+ provider, which connects to a live service; .*unless ${FLAG} is given`));
    }
    // The offline stores rendered, masked.
    const secrets = parseAllDocuments(r.out).map((d) => d.toJS() as { metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> }; data: Record<string, string> });
    assert.deepEqual(secrets.map((s) => s.metadata.name).sort(), ["hostile", "sops-app"]);
    const hostile = secrets.find((s) => s.metadata.name === "hostile")!;
    assert.deepEqual(hostile.metadata.labels, {
      leak: "<masked>",
      "leak-upper": "<masked>",
      tier: "backend",
      "reconcile.external-secrets.io/created-by": createdByValue(ns, "hostile"),
      "reconcile.external-secrets.io/managed": "true",
      "<masked key 1>": "<masked>",
    });
    assert.equal(hostile.metadata.annotations["leak-b64"], "<masked>");
    assert.deepEqual(hostile.data, { dsn: "<masked>", upper: "<masked>" });
    assert.equal(secrets.find((s) => s.metadata.name === "sops-app")!.metadata.labels["from-sops"], "<masked>");
    assert.match(r.err, /ExternalSecret\/.*\/hostile-fail: template "k" line 1: executing "k" at <fail>: error calling fail: \(details withheld/);
    assert.match(r.err, /ExternalSecret\/.*\/hostile-key: template "<masked>": value of "<masked>" is not a string/);
    assertNoLeak(r.out + r.err);
  });

  it("--show-values prints what masking withheld (the values were really rendered)", async () => {
    const r = await cli("render", dir, "--name", "hostile", "--show-values");
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.includes(fakeValue.toUpperCase()));
    assert.equal(server.connections(), 0);
  });

  it("with --allow-live-stores the stores connect (Vault with the PR's token), but the ambient AWS keys never go to the PR's endpoints", async () => {
    const vault = await cli("render", dir, "--name", "vault-app", FLAG);
    assert.equal(vault.code, 0, vault.err);
    assert.match(vault.out, /password: <masked, 18 bytes>/);
    const read = seen.find((req) => req.url.startsWith("/v1/secret/data/app"));
    assert.equal(read?.headers["x-vault-token"], "pr-vault-token");
    const aws = await cli("render", dir, "--name", "aws-app", FLAG);
    assert.equal(aws.code, 1);
    assert.match(aws.err, /spec\.provider\.aws\.endpoints cannot be used with empty auth/);
    assert.ok(!seen.some((req) => String(req.headers.authorization ?? "").includes(AMBIENT_KEY)), "the ambient AWS keys signed a request for the PR's endpoint");
  });

  it("never reads the pod's own ServiceAccount token, even with --allow-live-stores", async () => {
    const before = server.connections();
    const r = await cli("render", dir, "--name", "vault-pod-token-app", FLAG);
    assert.equal(r.code, 1);
    assert.match(r.err, /uses the operator's own token, but \/dev\/null\/render-and-diff-never-read-the-pod-token is not readable/);
    assert.equal(server.connections(), before);
  });

  it("diff: no in-cluster fallback, no TokenRequest with --kubeconfig, masked labels against the cluster's Secret", async () => {
    const untouched = server.connections();
    const noCluster = await cli("diff", dir, "--name", "hostile");
    assert.equal(noCluster.code, 2);
    assert.match(noCluster.err, /diff needs a cluster/);
    assert.equal(server.connections(), untouched, "diff fell back to the in-cluster service");
    const k = kube();
    await k.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "ci" } } });
    await k.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: "hostile", labels: { leak: liveValue, tier: "backend" } }, stringData: { dsn: `app:${liveValue}@db`, upper: liveValue } },
    });
    const connections = server.connections();
    const tokenRequests = () => apiserverRequestCount({ verbs: ["POST"], resource: "serviceaccounts", subresource: "token" });
    const tokensBefore = await tokenRequests();
    const r = await cli("diff", dir, "--kubeconfig", loadBench().kubeconfigPath, "--secret", `sops-age=team-a.agekey=${KEY_FILE}`);
    assert.equal(r.code, 2, r.out + r.err);
    assert.equal(await tokenRequests(), tokensBefore, "diff minted a ServiceAccount token");
    assert.equal(server.connections(), connections);
    assert.match(r.err, new RegExp(`vault-k8s-app: SecretStore vault-k8s uses the vault provider, .*${FLAG}`));
    assert.match(r.out, /~ data\.dsn: <masked> -> <masked>/);
    assert.match(r.out, /~ metadata\.labels\.leak: <masked> -> <masked>/);
    assert.match(r.out, /~ metadata\.labels\.leak-upper: \(unset\) -> <masked>/);
    assert.doesNotMatch(r.out, /metadata\.labels\.tier/);
    assertNoLeak(r.out + r.err);
  });
});
