// `validate` and `render` know PushSecret (external-secrets.io/v1alpha1): schema and CEL rules, dataTo store
// references, patterns Go rejects, template parse errors, missing stores; render shows what would be pushed where,
// masked unless --show-values, and never contacts a provider.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { builtinProviders, providerSchemas } from "../../../providers/index.ts";
import { validateFindings } from "../../../src/commands/validate.ts";
import { renderCommand } from "../../../src/commands/render.ts";

const store = { apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "vault", namespace: "apps", labels: { tier: "a" } }, spec: { provider: { fake: { data: [] } } } };
const source = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "apps" }, stringData: { user: "admin", password: "hunter2-not-shown", host: "h" } };
const push = (spec: object, apiVersion = "external-secrets.io/v1alpha1") => ({ apiVersion, kind: "PushSecret", metadata: { name: "push", namespace: "apps" }, spec });
const valid = {
  secretStoreRefs: [{ name: "vault" }],
  selector: { secret: { name: "db" } },
  data: [{ match: { secretKey: "password", remoteRef: { remoteKey: "app/db", property: "password" } } }],
  dataTo: [{ storeRef: { name: "vault" }, match: { regexp: "^(user|host)$" }, rewrite: [{ regexp: { source: "^(.*)$", target: "app/$1" } }] }],
};

function dirWith(...docs: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), "sb-push-cli-"));
  writeFileSync(join(dir, "all.yaml"), docs.map((doc) => YAML.stringify(doc)).join("---\n"));
  return dir;
}

describe("validate: PushSecret", () => {
  const table: { name: string; given: object; want: RegExp[] }[] = [
    { name: "a valid PushSecret: nothing", given: push(valid), want: [] },
    { name: "served as v1alpha1 only", given: push(valid, "external-secrets.io/v1"), want: [/error: .*apiVersion external-secrets\.io\/v1 is not served; use external-secrets\.io\/v1alpha1/] },
    { name: "an unknown updatePolicy", given: push({ ...valid, updatePolicy: "Always" }), want: [/error: .*updatePolicy/] },
    { name: "a dataTo store not in secretStoreRefs", given: push({ ...valid, dataTo: [{ storeRef: { name: "other" } }] }), want: [/error: .*dataTo\[0\]: storeRef "other" not found in secretStoreRefs/] },
    { name: "a pattern Go rejects", given: push({ ...valid, dataTo: [{ storeRef: { name: "vault" }, match: { regexp: "(?<=x)" } }] }), want: [/error: .*dataTo\[0\]\.match\.regexp: error parsing regexp/] },
    { name: "a template that does not parse", given: push({ ...valid, template: { data: { k: "{{ .user" } } }), want: [/error: .*template\.data\.k: template "k" line 1/] },
    { name: "a store not in the files", given: push({ ...valid, secretStoreRefs: [{ name: "vault" }, { name: "gone" }] }), want: [/error: .*secretStoreRefs\[1\]\.name: SecretStore "gone" is not defined/] },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const { findings } = validateFindings([dirWith(store, given)], providerSchemas());
      const got = findings.map((f) => `${f.severity}: ${f.message}`);
      assert.equal(got.length, want.length, got.join("\n"));
      for (const pattern of want) assert.ok(got.some((m) => pattern.test(m)), `${pattern} in\n${got.join("\n")}`);
    });
  }
});

describe("render: PushSecret", () => {
  async function render(showValues: boolean, ...docs: object[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await renderCommand([dirWith(...docs)], builtinProviders, { showValues }, (s) => (out += s), (s) => (err += s));
    return { code, out, err };
  }

  it("lists each write, store, remote key and property, with values masked", async () => {
    const { code, out, err } = await render(false, store, source, push(valid));
    assert.equal(code, 0, err);
    const pushes = (YAML.parse(out) as { pushes: Array<Record<string, string>> }).pushes;
    assert.deepEqual(pushes.map((p) => `${p.store} ${p.remoteKey}${p.property ? `#${p.property}` : ""} <- ${p.secretKey}`).sort(), ["SecretStore/vault app/db#password <- password", "SecretStore/vault app/host <- host", "SecretStore/vault app/user <- user"]);
    assert.ok(!out.includes("hunter2-not-shown"));
    assert.ok(pushes.every((p) => p.value === "<masked>"));
  });

  it("shows values with --show-values", async () => {
    const { out } = await render(true, store, source, push(valid));
    assert.ok(out.includes("hunter2-not-shown"));
  });

  it("selector.generatorRef: an offline generator runs, its value masked", async () => {
    const password = { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Password", metadata: { name: "pw", namespace: "apps" }, spec: { length: 20 } };
    const generated = push({ secretStoreRefs: [{ name: "vault" }], selector: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Password", name: "pw" } }, data: [{ match: { secretKey: "password", remoteRef: { remoteKey: "app/pw" } } }] });
    const masked = await render(false, store, password, generated);
    assert.equal(masked.code, 0, masked.err);
    assert.deepEqual((YAML.parse(masked.out) as { pushes: unknown[] }).pushes, [{ store: "SecretStore/vault", remoteKey: "app/pw", secretKey: "password", source: "Password/pw", value: "<masked>" }]);
    const shown = await render(true, store, password, generated);
    assert.equal(((YAML.parse(shown.out) as { pushes: Array<{ value: string }> }).pushes[0]!.value).length, 20);
    const { findings } = validateFindings([dirWith(store, generated)], providerSchemas());
    assert.deepEqual(findings.map((f) => f.message.replace(/^.*?: /, "")), ['spec.selector.generatorRef: Password "pw" is not defined in the validated files']);
  });

  it("a missing source Secret is an error naming --secret", async () => {
    const { code, err } = await render(false, store, push(valid));
    assert.equal(code, 1);
    assert.match(err, /source secret db is not in the manifests \(pass --secret db=KEY=FILE\)/);
  });
});
