// `secrets-bridge validate` and `render` as processes on example GitOps repositories (test/fixtures/gitops-repos):
// exit codes, file:line messages, masked output, --show-values, --secret for store credentials.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const REPO = new URL("../../", import.meta.url).pathname;
const GOOD = "test/fixtures/gitops-repos/good";
const BAD = "test/fixtures/gitops-repos/bad";
const PLANTED = ["gh-token-123", "db-pass-456", "api-key-789", "smtp-pass-000"];

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["src/cli.ts", ...args], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("secrets-bridge validate", () => {
  it("accepts the good repository (exit 0)", () => {
    const r = cli("validate", GOOD);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /4 files, 4 external-secrets\.io objects: 0 errors, 0 warnings/);
  });

  it("reports every mistake in the bad repository with file:line (exit 1)", () => {
    const r = cli("validate", BAD);
    assert.equal(r.code, 1, r.out + r.err);
    const want = [
      `${BAD}/externalsecrets.yaml:8: error: ExternalSecret/apps/typo: spec.secretStoreRefs: unknown field "secretStoreRefs"`,
      `${BAD}/externalsecrets.yaml:10: error: ExternalSecret/apps/typo: spec.refreshPolicy: unsupported value "Sometimes"`,
      `${BAD}/externalsecrets.yaml:23: error: ExternalSecret/apps/policies: spec.secretStoreRef.name: SecretStore "missing-store" is not defined`,
      `${BAD}/externalsecrets.yaml:24: error: ExternalSecret/apps/policies: spec.target: deletionPolicy Delete requires creationPolicy Owner`,
      `${BAD}/externalsecrets.yaml:31: error: ExternalSecret/apps/policies: spec.data[1]: duplicate entry with secretKey="a"`,
      `${BAD}/externalsecrets.yaml:48: error: ExternalSecret/apps/broken-template: spec.target.template.data.config.yaml: template "config.yaml" line 2: function "nosuchfn" not defined`,
      `${BAD}/externalsecrets.yaml:49: error: ExternalSecret/apps/broken-template: spec.target.template.data.inline: template "inline" line 1: unexpected EOF`,
      `${BAD}/externalsecrets.yaml:54: error: ExternalSecret/apps/broken-template: spec.dataFrom[0].rewrite[0]: a rewrite sets exactly one of merge, regexp or transform`,
      `${BAD}/externalsecrets.yaml:60: error: ExternalSecret/apps/old-api: apiVersion external-secrets.io/v1beta1 is not served`,
      `${BAD}/stores.yaml:7: error: SecretStore/apps/fake: spec.provider: spec.provider must set exactly one provider`,
    ];
    for (const line of want) assert.ok(r.out.includes(line), `missing: ${line}\n---\n${r.out}`);
    assert.match(r.out, /2 files, 5 external-secrets\.io objects: 10 errors, 0 warnings/);
  });

  it("--allow-missing-stores turns an unknown store into a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-validate-"));
    writeFileSync(join(dir, "es.yaml"), "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: x\nspec:\n  secretStoreRef:\n    name: elsewhere\n  data:\n    - secretKey: a\n      remoteRef:\n        key: /a\n");
    assert.equal(cli("validate", dir).code, 1);
    const r = cli("validate", "--allow-missing-stores", dir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /es\.yaml:7: warning: ExternalSecret\/x: spec\.secretStoreRef\.name: SecretStore "elsewhere" is not defined/);
  });

  it("reports patterns Go's regexp rejects, with Go's message, and accepts Go-only syntax", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-validate-"));
    const es = (name: string, dataFrom: string) =>
      `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: ${name}\nspec:\n  secretStoreRef:\n    name: all\n    kind: ClusterSecretStore\n  dataFrom:\n${dataFrom}`;
    const store = "apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: all\nspec:\n  provider:\n    fake:\n      data: []\n  conditions:\n    - namespaceRegexes: ['^team-\\pL+$', '^(?!kube-)']\n";
    writeFileSync(join(dir, "stores.yaml"), store);
    writeFileSync(join(dir, "bad.yaml"), es("bad", "    - find:\n        name:\n          regexp: '^(db|cache)\\1'\n      rewrite:\n        - regexp: {source: '(?<=app/).*', target: x}\n"));
    writeFileSync(join(dir, "good.yaml"), es("good", "    - find:\n        name:\n          regexp: '^(?P<team>[[:alpha:]]+)/\\pL+\\z'\n      rewrite:\n        - regexp: {source: '^(?P<team>\\w+)/(.*)$', target: '${team}-$2'}\n"));
    const r = cli("validate", dir);
    assert.equal(r.code, 1, r.out + r.err);
    const want = [
      "bad.yaml:12: error: ExternalSecret/bad: spec.dataFrom[0].find.name.regexp: error parsing regexp: invalid escape sequence: `\\1`",
      "bad.yaml:14: error: ExternalSecret/bad: spec.dataFrom[0].rewrite[0].regexp.source: error parsing regexp: invalid named capture: `(?<=app/).*`",
      "stores.yaml:10: error: ClusterSecretStore/all: spec.conditions[0].namespaceRegexes[1]: error parsing regexp: invalid or unsupported Perl syntax: `(?!`",
    ];
    for (const line of want) assert.ok(r.out.includes(line), `missing: ${line}\n---\n${r.out}`);
    assert.match(r.out, /3 files, 3 external-secrets\.io objects: 3 errors, 0 warnings/);
  });

  it("an invalid YAML document is reported at file:line and the rest of the file is still checked; a generatorRef to a generator not in the files warns", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-validate-"));
    const store = "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: fake\nspec:\n  provider:\n    fake:\n      data: []\n";
    const broken = "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: alias\nspec:\n  secretStoreRef: *nowhere\n";
    const typo = "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: typo\nspec:\n  secretStoreRef: {name: fake}\n  dataa: []\n";
    const generator =
      "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: gen\nspec:\n  dataFrom:\n    - sourceRef:\n        generatorRef:\n          apiVersion: generators.external-secrets.io/v1alpha1\n          kind: Password\n          name: pw\n";
    writeFileSync(join(dir, "all.yaml"), [store, broken, typo, generator].join("---\n"));
    const r = cli("validate", dir);
    assert.equal(r.code, 1, r.out + r.err);
    assert.doesNotMatch(r.err, /\bat \S+:\d+:\d+/, "no stack trace");
    const want = [
      "all.yaml:15: error: YAML: Unresolved alias (the anchor must be set before the alias): nowhere",
      'all.yaml:23: error: ExternalSecret/typo: spec.dataa: unknown field "dataa"',
      'all.yaml:32: warning: ExternalSecret/gen: spec.dataFrom[0].sourceRef.generatorRef: Password "pw" is not defined in the validated files',
    ];
    for (const line of want) assert.ok(r.out.includes(line), `missing: ${line}\n---\n${r.out}`);
    assert.match(r.out, /1 files, 3 external-secrets\.io objects: 3 errors, 1 warnings/);
  });

  it("ESO 2.9's syncWindows, rewrite.merge and target.manifest pass (the manifest with a warning); a vault store's checkAndSet is accepted", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-validate-"));
    const store =
      "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: vault\nspec:\n  provider:\n    vault:\n      server: https://vault:8200\n      path: secret\n      checkAndSet:\n        required: true\n      auth:\n        tokenSecretRef: {name: t, key: token}\n";
    const es =
      "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: eso29\nspec:\n  secretStoreRef: {name: vault}\n  syncWindows:\n    kind: deny\n    windows:\n      - {schedule: '0 22 * * 1-5', duration: 8h}\n  target:\n    manifest: {apiVersion: v1, kind: ConfigMap}\n  dataFrom:\n    - extract: {key: app}\n      rewrite:\n        - merge: {strategy: Extract}\n";
    writeFileSync(join(dir, "all.yaml"), [store, es].join("---\n"));
    const r = cli("validate", dir);
    assert.equal(r.code, 0, r.out + r.err);
    const want = [
      "all.yaml:26: warning: ExternalSecret/eso29: spec.target.manifest: renders a ConfigMap, not a Secret: the operator needs --unsafe-allow-generic-targets and RBAC for that kind (chart: genericTargets); its content is not encrypted at rest",
    ];
    for (const line of want) assert.ok(r.out.includes(line), `missing: ${line}\n---\n${r.out}`);
    // syncWindows and rewrite.merge are served: no finding for them.
    assert.match(r.out, /1 files, 2 external-secrets\.io objects: 0 errors, 1 warnings/);
  });

  it("target.manifest: refused kinds and unparseable templateFrom paths are errors; Secret-only template rules do not apply", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-validate-"));
    const es = (name: string, manifest: string, templateFrom: string) =>
      `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: ${name}\nspec:\n  secretStoreRef: {name: s}\n  target:\n    manifest: ${manifest}\n    template:\n      templateFrom:\n        - {literal: 'a: 1', target: '${templateFrom}'}\n  data:\n    - {secretKey: a, remoteRef: {key: a}}\n`;
    const store = "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: s\nspec:\n  provider:\n    fake:\n      data: []\n";
    writeFileSync(join(dir, "m.yaml"), [store, es("good", "{apiVersion: v1, kind: ConfigMap}", "spec.rules[0].from"), es("secret", "{apiVersion: v1, kind: Secret}", "Data"), es("path", "{apiVersion: x.io/v1, kind: App}", "spec..a")].join("---\n"));
    const r = cli("validate", dir);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /ExternalSecret\/secret: spec\.target\.manifest v1 Secret is not allowed: render Secrets with spec\.target \(no manifest\)/);
    assert.match(r.out, /ExternalSecret\/path: spec\.target\.template\.templateFrom\[0\]\.target: invalid path "spec\.\.a": empty segment/);
    assert.ok(!/ExternalSecret\/good: .*error/.test(r.out), r.out);
    assert.ok(!/not allowed when targeting a Secret/.test(r.out), "the Secret target rule is not applied to manifests");
    assert.match(r.out, /4 external-secrets\.io objects: 2 errors, 2 warnings/);
  });

  it("checks the ExternalSecret spec a ClusterExternalSecret stamps out like an ExternalSecret's", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-validate-"));
    const ces = (name: string, store: string, extra: string) =>
      `apiVersion: external-secrets.io/v1\nkind: ClusterExternalSecret\nmetadata:\n  name: ${name}\nspec:\n  namespaceSelectors:\n    - matchLabels: {team: a}\n  externalSecretSpec:\n    secretStoreRef:\n      name: ${store}\n      kind: ClusterSecretStore\n${extra}`;
    writeFileSync(join(dir, "stores.yaml"), "apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: all\nspec:\n  provider:\n    fake:\n      data: []\n");
    writeFileSync(join(dir, "good.yaml"), ces("good", "all", "    data:\n      - secretKey: a\n        remoteRef: {key: /a}\n"));
    writeFileSync(
      join(dir, "bad.yaml"),
      ces("bad", "nowhere", "    target:\n      template:\n        data:\n          x: '{{ nosuchfn }}'\n    dataFrom:\n      - find:\n          name:\n            regexp: '(?!x)'\n") + "  namespaces: [Not_A_Namespace]\n",
    );
    const r = cli("validate", dir);
    assert.equal(r.code, 1, r.out + r.err);
    const want = [
      'bad.yaml:10: error: ClusterExternalSecret/bad: spec.externalSecretSpec.secretStoreRef.name: ClusterSecretStore "nowhere" is not defined',
      'bad.yaml:15: error: ClusterExternalSecret/bad: spec.externalSecretSpec.target.template.data.x: template "x" line 1: function "nosuchfn" not defined',
      "bad.yaml:19: error: ClusterExternalSecret/bad: spec.externalSecretSpec.dataFrom[0].find.name.regexp: error parsing regexp: invalid or unsupported Perl syntax: `(?!`",
      "bad.yaml:20: error: ClusterExternalSecret/bad: spec.namespaces[0]: should match",
    ];
    for (const line of want) assert.ok(r.out.includes(line), `missing: ${line}\n---\n${r.out}`);
    assert.ok(!r.out.includes("good.yaml"), r.out);
    assert.match(r.out, /3 files, 3 external-secrets\.io objects: 4 errors, 0 warnings/);
  });
});

describe("secrets-bridge render", () => {
  it("prints the Secrets masked (exit 0): templated values without sizes, templated labels masked, never a planted value", () => {
    const r = cli("render", GOOD);
    assert.equal(r.code, 0, r.out + r.err);
    const docs = parseAllDocuments(r.out).map((d) => d.toJS() as { metadata: { name: string; labels?: Record<string, string> }; type?: string; data: Record<string, string> });
    assert.deepEqual(docs.map((d) => d.metadata.name), ["db-config", "registry"]);
    assert.equal(docs[1]!.type, "kubernetes.io/dockerconfigjson");
    assert.equal(docs[0]!.metadata.labels?.app, "<masked>", "a label templated from data is masked");
    assert.equal(docs[1]!.data[".dockerconfigjson"], "<masked>", "a templated value's size could carry data");
    for (const value of PLANTED) assert.ok(!(r.out + r.err).includes(value), `render printed ${value}`);
  });

  it("renders a target.manifest object: masked, only its shape; with --show-values, the object the operator would create", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-render-manifest-"));
    const docs = [
      "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: s\nspec:\n  provider:\n    fake:\n      data:\n        - {key: host, value: manifest-host-7f3a}\n",
      "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: app\nspec:\n  secretStoreRef: {name: s}\n  target:\n    name: app-settings\n    manifest: {apiVersion: config.example.com/v1, kind: AppConfig}\n    template:\n      templateFrom:\n        - {literal: 'host: {{ .host }}', target: spec.database}\n  data:\n    - {secretKey: host, remoteRef: {key: host}}\n",
    ];
    writeFileSync(join(dir, "m.yaml"), docs.join("---\n"));
    const masked = cli("render", dir);
    assert.equal(masked.code, 0, masked.out + masked.err);
    const obj = parseAllDocuments(masked.out)[0]!.toJS() as Record<string, any>;
    assert.deepEqual(obj, { apiVersion: "config.example.com/v1", kind: "AppConfig", spec: "<masked>", metadata: { name: "app-settings", namespace: "default", labels: "<masked>", annotations: "<masked>" } });
    assert.ok(!masked.out.includes("manifest-host-7f3a"));
    const shown = cli("render", dir, "--show-values");
    assert.equal(shown.code, 0, shown.err);
    assert.deepEqual((parseAllDocuments(shown.out)[0]!.toJS() as Record<string, any>).spec, { database: { host: "manifest-host-7f3a" } });
  });

  it("--show-values prints an applyable Secret with the real data", () => {
    const r = cli("render", GOOD, "--name", "db", "--show-values");
    assert.equal(r.code, 0, r.err);
    const secret = parseAllDocuments(r.out)[0]!.toJS() as { data: Record<string, string> };
    const props = Buffer.from(secret.data["application.properties"]!, "base64").toString();
    assert.equal(props, "spring.datasource.url=jdbc:postgresql://db.internal:5432/app\nspring.datasource.username=app\nspring.datasource.password=db-pass-456\n");
    assert.equal(Buffer.from(secret.data.url!, "base64").toString(), "postgres://app@db.internal:5432/app");
  });

  it("fails with file:line and the template's name and line for a template error (exit 1), masking values", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-render-"));
    writeFileSync(
      join(dir, "all.yaml"),
      [
        "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: s\nspec:\n  provider:\n    fake:\n      data:\n        - key: /k\n          value: hidden-value-1\n",
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: e\nspec:\n  secretStoreRef:\n    name: s\n  data:\n    - secretKey: v\n      remoteRef:\n        key: /k\n  target:\n    template:\n      data:\n        out: |\n          ok\n          {{ .v | nosuch }}\n",
      ].join("---\n"),
    );
    const r = cli("render", dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /all\.yaml:12: error: ExternalSecret\/e: template "out" line 2: .*function "nosuch" not defined/);
    assert.ok(!(r.out + r.err).includes("hidden-value-1"));
  });

  it("supplies a Secret the manifests do not carry from a local file with --secret NAME=KEY=FILE (templateFrom.secret)", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-render-"));
    // A SecretStore whose provider needs a Secret: without --secret the render says so, with it the key is used.
    writeFileSync(join(dir, "key.txt"), "file-credential");
    writeFileSync(
      join(dir, "all.yaml"),
      "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: s\nspec:\n  provider:\n    fake:\n      data:\n        - key: /k\n          value: v\n---\n" +
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: e\nspec:\n  secretStoreRef:\n    name: s\n  data:\n    - secretKey: v\n      remoteRef:\n        key: /k\n  target:\n    template:\n      templateFrom:\n        - secret:\n            name: tpl\n            items:\n              - key: t\n",
    );
    const without = cli("render", dir);
    assert.equal(without.code, 1);
    assert.match(without.err, /templateFrom secret tpl is not in the manifests/);
    writeFileSync(join(dir, "tpl.txt"), "{{ .v }}-templated");
    const withSecret = cli("render", dir, "--secret", `tpl=t=${join(dir, "tpl.txt")}`, "--show-values");
    assert.equal(withSecret.code, 0, withSecret.err);
    const secret = parseAllDocuments(withSecret.out)[0]!.toJS() as { data: Record<string, string> };
    assert.equal(Buffer.from(secret.data.t!, "base64").toString(), "v-templated");
  });
});

describe("secrets-bridge render with a SOPS store and a local age key", () => {
  it("decrypts with the key given by --secret and masks the values", async () => {
    const { sopsEncrypt, fixtureKey } = await import("../helpers/sops.ts");
    const key = fixtureKey("team-a");
    const encrypted = sopsEncrypt("db:\n  user: app\n  password: sops-planted-31337\n", { format: "yaml", recipients: [key.recipient] }).toString();
    const dir = mkdtempSync(join(tmpdir(), "sb-render-sops-"));
    const indent = (s: string) => s.split("\n").map((l) => `    ${l}`).join("\n");
    writeFileSync(
      join(dir, "repo.yaml"),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: encrypted\ndata:\n  app.yaml: |\n${indent(encrypted)}\n---\n` +
        "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: sops\nspec:\n  provider:\n    sops:\n      source:\n        configMap:\n          name: encrypted\n      decryption:\n        ageKeySecretRef:\n          name: sops-age\n---\n" +
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: db\nspec:\n  secretStoreRef:\n    name: sops\n  data:\n    - secretKey: password\n      remoteRef:\n        key: app.yaml\n        property: db.password\n  target:\n    template:\n      data:\n        dsn: \"{{ .password | len }} chars\"\n        password: \"{{ .password }}\"\n",
    );
    const keyFile = new URL("../fixtures/sops/team-a.agekey", import.meta.url).pathname;
    const without = cli("render", dir);
    assert.equal(without.code, 1);
    assert.match(without.err, /secret sops-age is not in the manifests; pass --secret or --kubeconfig/);
    const masked = cli("render", dir, "--secret", `sops-age=team-a.agekey=${keyFile}`);
    assert.equal(masked.code, 0, masked.err);
    assert.match(masked.out, /password: <masked>$/m);
    assert.ok(!(masked.out + masked.err).includes("sops-planted-31337"));
    const shown = cli("render", dir, "--secret", `sops-age=team-a.agekey=${keyFile}`, "--show-values");
    const secret = parseAllDocuments(shown.out)[0]!.toJS() as { data: Record<string, string> };
    assert.equal(Buffer.from(secret.data.password!, "base64").toString(), "sops-planted-31337");
    assert.equal(Buffer.from(secret.data.dsn!, "base64").toString(), "18 chars");
  });
});
