// `validate` knows RefreshReceiver (secrets-bridge.io/v1alpha1, issue 20): a valid one passes, a bad type and a
// resource with neither name nor matchLabels are errors, and the kind under ESO's group is refused.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { providerSchemas } from "../../../providers/index.ts";
import { validateFindings } from "../../../src/commands/validate.ts";

const receiver = (spec: object, apiVersion = "secrets-bridge.io/v1alpha1") => ({ apiVersion, kind: "RefreshReceiver", metadata: { name: "hook", namespace: "apps" }, spec });
const valid = { type: "github", secretRef: { name: "hook-token" }, events: ["push"], resources: [{ kind: "SecretStore", name: "git" }, { kind: "ExternalSecret", matchLabels: { team: "a" } }] };

function messages(doc: object): string[] {
  const dir = mkdtempSync(join(tmpdir(), "sb-validate-rr-"));
  writeFileSync(join(dir, "all.yaml"), YAML.stringify(doc));
  const { findings, objects } = validateFindings([dir], providerSchemas());
  assert.equal(objects, 1, "the receiver is one of our objects");
  return findings.map((f) => `${f.severity}: ${f.message}`);
}

describe("validate: RefreshReceiver", () => {
  const table: { name: string; given: object; want: RegExp[] }[] = [
    { name: "a valid receiver: nothing", given: receiver(valid), want: [] },
    { name: "an unknown type", given: receiver({ ...valid, type: "bitbucket" }), want: [/error: .*spec\.type: unsupported value "bitbucket"/] },
    { name: "a resource without name or matchLabels", given: receiver({ ...valid, resources: [{ kind: "SecretStore" }] }), want: [/error: .*a resource needs name or matchLabels/] },
    { name: "no secretRef", given: receiver({ type: "generic", resources: valid.resources }), want: [/error: .*secretRef/] },
    { name: "under ESO's group", given: receiver(valid, "external-secrets.io/v1"), want: [/error: .*apiVersion external-secrets\.io\/v1 is not served; use secrets-bridge\.io\/v1alpha1/] },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const got = messages(given);
      assert.equal(got.length, want.length, got.join("\n"));
      for (const pattern of want) assert.ok(got.some((m) => pattern.test(m)), `${pattern} in\n${got.join("\n")}`);
    });
  }
});
