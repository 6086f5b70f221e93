// `secrets-bridge validate` and `render` on generator manifests (issue 18 stage 1), as processes: generator specs
// that cannot generate are errors at file:line, kinds not served yet warn, and render runs the offline
// generators with the values masked unless --show-values.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const REPO = new URL("../../", import.meta.url).pathname;
const G = "apiVersion: generators.external-secrets.io/v1alpha1\n";

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["src/cli.ts", ...args], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const GOOD = [
  `${G}kind: Password\nmetadata:\n  name: db\nspec:\n  length: 16\n  digits: 4\n  symbols: 2\n  symbolCharacters: "-_"\n  noUpper: true\n`,
  `${G}kind: SSHKey\nmetadata:\n  name: key\nspec:\n  keyType: ed25519\n  comment: ci\n`,
  `${G}kind: UUID\nmetadata:\n  name: id\n`,
  `${G}kind: ClusterGenerator\nmetadata:\n  name: shared\nspec:\n  kind: Fake\n  generator:\n    fakeSpec:\n      data: {user: fake-user-5e1d}\n`,
  "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: app\nspec:\n  refreshInterval: 1h\n  dataFrom:\n" +
    "    - sourceRef: {generatorRef: {apiVersion: generators.external-secrets.io/v1alpha1, kind: Password, name: db}}\n      rewrite: [{regexp: {source: ^password$, target: db_password}}]\n" +
    "    - sourceRef: {generatorRef: {kind: SSHKey, name: key}}\n    - sourceRef: {generatorRef: {kind: UUID, name: id}}\n    - sourceRef: {generatorRef: {kind: ClusterGenerator, name: shared}}\n",
];

describe("validate and render with generators", () => {
  let good: string;
  before(() => {
    good = mkdtempSync(join(tmpdir(), "sb-cli-gen-"));
    writeFileSync(join(good, "all.yaml"), GOOD.join("---\n"));
  });

  it("validate accepts generator manifests and the ExternalSecret using them (exit 0)", () => {
    const r = cli("validate", good);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /1 files, 5 external-secrets\.io objects: 0 errors, 0 warnings/);
  });

  it("validate reports specs that cannot generate, bounds, kinds not served yet and misplaced refs at file:line", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-cli-gen-bad-"));
    const docs = [
      `${G}kind: Password\nmetadata:\n  name: impossible\nspec:\n  length: 8\n  digits: 6\n  symbols: 6\n`,
      `${G}kind: Password\nmetadata:\n  name: absurd\nspec:\n  length: 100000\n`,
      `${G}kind: SSHKey\nmetadata:\n  name: huge\nspec:\n  keyType: rsa\n  keySize: 8192\n`,
      `${G}kind: ClusterGenerator\nmetadata:\n  name: gcr\nspec:\n  kind: GCRAccessToken\n  generator:\n    gcrAccessTokenSpec: {projectID: p}\n`,
      `${G}kind: ClusterGenerator\nmetadata:\n  name: hollow\nspec:\n  kind: Password\n  generator: {}\n`,
      "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: odd\nspec:\n  secretStoreRef: {name: s}\n  data:\n    - secretKey: a\n      remoteRef: {key: a}\n      sourceRef: {generatorRef: {kind: Password, name: impossible}}\n  dataFrom:\n    - sourceRef: {generatorRef: {kind: GithubAccessToken, name: hook}}\n",
      "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: s\nspec:\n  provider:\n    fake:\n      data: []\n",
    ];
    writeFileSync(join(dir, "bad.yaml"), docs.join("---\n"));
    const r = cli("validate", dir);
    assert.equal(r.code, 1, r.out + r.err);
    const want = [
      "bad.yaml:5: error: Password/impossible: spec: digits (6) + symbols (6) exceed the length (8)",
      "bad.yaml:15: error: Password/absurd: spec.length: should be less than or equal to 1024",
      "bad.yaml:21: error: SSHKey/huge: spec: keySize 8192 is not an RSA size we generate (2048, 3072, 4096)",
      "bad.yaml:30: warning: ClusterGenerator/gcr: spec.kind: GCRAccessToken generators are not supported by secrets-bridge yet",
      "bad.yaml:40: error: ClusterGenerator/hollow: spec.generator.passwordSpec is required for kind Password",
      "bad.yaml:51: error: ExternalSecret/odd: spec.data[0].sourceRef.generatorRef: generators are only supported in dataFrom",
      "bad.yaml:53: warning: ExternalSecret/odd: spec.dataFrom[0].sourceRef.generatorRef: GithubAccessToken generators are not supported by secrets-bridge yet",
    ];
    for (const line of want) assert.ok(r.out.includes(line), `missing: ${line}\n---\n${r.out}`);
    assert.match(r.out, /7 external-secrets\.io objects: 5 errors, 2 warnings/);
  });

  it("render runs the generators offline and masks every generated value", () => {
    const r = cli("render", good);
    assert.equal(r.code, 0, r.out + r.err);
    const secret = parseAllDocuments(r.out)[0]!.toJS() as { data: Record<string, string> };
    assert.deepEqual(Object.keys(secret.data).sort(), ["db_password", "privateKey", "publicKey", "user", "uuid"]);
    for (const value of Object.values(secret.data)) assert.match(value, /^<masked/);
    assert.ok(!r.out.includes("fake-user-5e1d"));
  });

  it("render --show-values prints the generated values: a password meeting its policy, an OpenSSH key pair, a v4 UUID", () => {
    const r = cli("render", good, "--show-values");
    assert.equal(r.code, 0, r.out + r.err);
    const data = (parseAllDocuments(r.out)[0]!.toJS() as { data: Record<string, string> }).data;
    const text = (key: string) => Buffer.from(data[key]!, "base64").toString();
    const password = Array.from(text("db_password"));
    assert.equal(password.length, 16);
    assert.equal(password.filter((c) => /[0-9]/.test(c)).length, 4);
    assert.equal(password.filter((c) => "-_".includes(c)).length, 2);
    assert.equal(password.filter((c) => /[A-Z]/.test(c)).length, 0);
    assert.match(text("publicKey"), /^ssh-ed25519 AAAA\S+ ci\n$/);
    assert.match(text("privateKey"), /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    assert.match(text("uuid"), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(text("user"), "fake-user-5e1d");
  });
});
