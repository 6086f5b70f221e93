// ESO's privileged-template rule (apis/externalsecrets/v1 validatePrivilegedTemplate) and its templateFrom target
// rule for Secrets: what secretTemplateProblems refuses, the same at render time, and the CRD's CEL rules and
// `validate` saying it once, with the line.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import YAML from "yaml";
import { providerSchemas } from "../../../providers/index.ts";
import type { Template } from "../../../src/api/external-secret.ts";
import { validateFindings } from "../../../src/commands/validate.ts";
import { renderTemplate, secretTemplateProblems, TemplateNotAllowedError } from "../../../src/template/index.ts";

const SA = "kubernetes.io/service-account-token";
const SA_NAME = "kubernetes.io/service-account.name";

const table: { name: string; given: Template; want: RegExp[] }[] = [
  { name: "service-account-token with the name annotation", given: { type: SA, metadata: { annotations: { [SA_NAME]: "default" } } }, want: [/with annotation "kubernetes.io\/service-account.name" is not allowed/] },
  { name: "service-account-token with an empty name annotation", given: { type: SA, metadata: { annotations: { [SA_NAME]: "" } } }, want: [/with annotation/] },
  { name: "service-account-token with a templateFrom Annotations target", given: { type: SA, templateFrom: [{ literal: "a: b", target: "Annotations" }] }, want: [/with templateFrom target="Annotations" is not allowed/] },
  { name: "... in any letter case", given: { type: SA, templateFrom: [{ literal: "a: b" }, { literal: "a: b", target: "aNNotations" }] }, want: [/with templateFrom target="Annotations" is not allowed/] },
  { name: "bootstrap token, whatever else", given: { type: "bootstrap.kubernetes.io/token", data: { "token-id": "x" } }, want: [/template.type="bootstrap.kubernetes.io\/token" is not allowed/] },
  { name: "a templateFrom target that is a path", given: { templateFrom: [{ literal: "a: b", target: "metadata.ownerReferences" }] }, want: [/templateFrom target="metadata.ownerReferences" is not allowed when targeting a Secret/] },
  { name: "both rules at once", given: { type: SA, metadata: { annotations: { [SA_NAME]: "x" } }, templateFrom: [{ literal: "a: b", target: "ANNOTATIONS" }] }, want: [/with annotation/, /with templateFrom target/] },
  // What ESO lets through: the rule looks at the spec, not at what a template renders.
  { name: "service-account-token with other annotations", given: { type: SA, metadata: { annotations: { note: "x" } }, templateFrom: [{ literal: "a: b", target: "Labels" }] }, want: [] },
  { name: "the name annotation on another type", given: { type: "Opaque", metadata: { annotations: { [SA_NAME]: "x" } }, templateFrom: [{ literal: "a: b", target: "annotations" }] }, want: [] },
  { name: "service-account-token rendering the annotation into data", given: { type: SA, data: { [SA_NAME]: "default" } }, want: [] },
  { name: "type matched exactly, as ESO", given: { type: "Bootstrap.kubernetes.io/token" }, want: [] },
];

describe("secretTemplateProblems (ESO's template rules for a Secret)", () => {
  for (const { name, given, want } of table) {
    it(name, () => {
      const got = secretTemplateProblems(given);
      assert.equal(got.length, want.length, JSON.stringify(got));
      want.forEach((re, i) => assert.match(got[i]!.message, re));
    });
  }

  it("renderTemplate refuses before rendering (TemplateNotAllowed, a terminal config error)", () => {
    assert.throws(() => renderTemplate({ type: "bootstrap.kubernetes.io/token", data: { k: "{{ .nope }}" } }, {}, { configMaps: {}, secrets: {} }), (err: Error) => {
      assert.ok(err instanceof TemplateNotAllowedError);
      assert.equal((err as TemplateNotAllowedError).reason, "TemplateNotAllowed");
      return true;
    });
  });

  it("tolerates manifests that do not match the schema", () => {
    const got = secretTemplateProblems({ type: SA, templateFrom: [null, { target: 3 }], metadata: { annotations: "x" } } as unknown as Template);
    assert.deepEqual(got.map((p) => p.message), ['templateFrom target=3 is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"']);
  });
});

describe("validate reports the rules once, at their line", () => {
  const es = (template: Template) => ({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "t", namespace: "apps" },
    spec: { secretStoreRef: { name: "s", kind: "ClusterSecretStore" }, target: { template }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] },
  });
  const store = { apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "s" }, spec: { provider: { fake: { data: [] } } } };
  const findingsFor = (template: Template) => {
    const dir = mkdtempSync(join(tmpdir(), "sb-secret-rules-"));
    writeFileSync(join(dir, "es.yaml"), [store, es(template)].map((d) => YAML.stringify(d)).join("---\n"));
    return validateFindings([dir], providerSchemas()).findings;
  };

  for (const { name, given, want } of table) {
    it(name, () => {
      const errors = findingsFor(given).filter((f) => f.severity === "error");
      assert.equal(errors.length, want.length, errors.map((f) => f.message).join("\n"));
      want.forEach((re) => assert.ok(errors.some((f) => re.test(f.message)), re.source));
    });
  }

  it("points at the offending field", () => {
    const [f] = findingsFor({ templateFrom: [{ literal: "a: b" }, { literal: "a: b", target: "type" }] });
    assert.match(f!.message, /spec\.target\.template\.templateFrom\.1\.target: templateFrom target="type"/);
    const text = YAML.stringify(es({ templateFrom: [{ literal: "a: b" }, { literal: "a: b", target: "type" }] })).split("\n");
    assert.match(text[f!.line - 1 - YAML.stringify(store).split("\n").length]!, /target: type/);
  });
});
