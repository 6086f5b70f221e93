// `secrets-bridge diff` as a process against the bench's cluster: the operator (in-process) has synced an
// ExternalSecret; diff of the same manifests says "no changes" (exit 0); a changed value, a new template key
// and a not-yet-created Secret show as masked differences (exit 1); a broken manifest is exit 2. Also
// `render --kubeconfig` with a store that exists only in the cluster.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { freshNamespace, loadBench } from "../helpers/bench.ts";
import { kube, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";

const REPO = new URL("../../", import.meta.url).pathname;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["src/cli.ts", ...args], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("secrets-bridge diff", () => {
  let ns: string;
  let op: TestOperator;
  let dir: string;
  const k = kube();
  const oldValue = `planted-${randomBytes(6).toString("hex")}`;
  const newValue = `planted-${randomBytes(9).toString("hex")}`;

  const manifests = (value: string, extraKey = false) =>
    `apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: fake\n  namespace: ${ns}\nspec:\n  provider:\n    fake:\n      data:\n        - key: /db\n          value: '{"user":"app","password":"${value}"}'\n---\n` +
    `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: db\n  namespace: ${ns}\nspec:\n  secretStoreRef:\n    name: fake\n  dataFrom:\n    - extract:\n        key: /db\n  target:\n    template:\n      mergePolicy: Merge\n      metadata:\n        labels:\n          tier: backend\n      data:\n        dsn: "{{ .user }}:{{ .password }}@db"\n${extraKey ? "        extra: x\n" : ""}`;

  before(async () => {
    ns = await freshNamespace("cli-diff");
    op = await startTestOperator(ns);
    dir = mkdtempSync(join(tmpdir(), "sb-diff-"));
    writeFileSync(join(dir, "all.yaml"), manifests(oldValue));
    for (const doc of parseAllDocuments(manifests(oldValue))) {
      const obj = doc.toJS() as { kind: "SecretStore" | "ExternalSecret"; metadata: { name: string }; spec: unknown };
      await k.create(obj.kind, ns, obj.metadata.name, obj.spec);
    }
    await waitFor("secret db", () => k.secret(ns, "db"));
  });
  after(async () => {
    await op?.stop();
  });

  it("reports no changes when the cluster matches (exit 0)", () => {
    const r = cli("diff", dir, "--kubeconfig", loadBench().kubeconfigPath);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, new RegExp(`ExternalSecret/${ns}/db -> Secret ${ns}/db: no changes`));
  });

  it("shows changed and added keys masked (exit 1), never the values", () => {
    writeFileSync(join(dir, "all.yaml"), manifests(newValue, true));
    const r = cli("diff", dir, "--kubeconfig", loadBench().kubeconfigPath);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /~ data\.password: <masked, 20 bytes> -> <masked, 26 bytes>/);
    assert.match(r.out, /~ data\.dsn: <masked> -> <masked>/);
    assert.match(r.out, /\+ data\.extra: <masked>$/m);
    for (const value of [oldValue, newValue]) assert.ok(!(r.out + r.err).includes(value), "diff printed a value");
    const shown = cli("diff", dir, "--kubeconfig", loadBench().kubeconfigPath, "--show-values");
    assert.ok(shown.out.includes(`"${newValue}"`), "--show-values reveals");
  });

  it("reports a Secret that does not exist yet (exit 1)", () => {
    writeFileSync(join(dir, "all.yaml"), manifests(oldValue).replace("name: db\n", "name: db-new\n"));
    const r = cli("diff", dir, "--kubeconfig", loadBench().kubeconfigPath);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, new RegExp(`\\+ Secret ${ns}/db-new does not exist yet \\(3 keys\\)`));
  });

  it("render reads a store that only exists in the cluster with --kubeconfig (a live store)", () => {
    const only = mkdtempSync(join(tmpdir(), "sb-render-live-"));
    writeFileSync(join(only, "es.yaml"), manifests(oldValue).split("---\n")[1]!);
    const offline = cli("render", only);
    assert.equal(offline.code, 1);
    assert.match(offline.err, /SecretStore fake is not in the manifests \(or pass --kubeconfig/);
    const live = cli("render", only, "--kubeconfig", loadBench().kubeconfigPath);
    assert.equal(live.code, 0, live.err);
    assert.match(live.out, /password: <masked, 20 bytes>/);
    assert.ok(!(live.out + live.err).includes(oldValue));
  });

  it("exits 2 with file:line on a render error, and without a cluster", () => {
    writeFileSync(join(dir, "all.yaml"), manifests(oldValue).replace("{{ .user }}", "{{ .nouser }}"));
    const r = cli("diff", dir, "--kubeconfig", loadBench().kubeconfigPath);
    assert.equal(r.code, 2);
    assert.match(r.err, /all\.yaml:13: error: ExternalSecret\/.*\/db: template "dsn" line 1: .*map has no entry for key "nouser"/);
    const noCluster = spawnSync(process.execPath, ["src/cli.ts", "diff", dir], { cwd: REPO, encoding: "utf8", env: { ...process.env, KUBECONFIG: "" } });
    assert.equal(noCluster.status, 2);
    assert.match(noCluster.stderr, /diff needs a cluster/);
  });
});
