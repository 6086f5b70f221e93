// `validate` on ESO 2.9's syncWindows and rewrite.merge: an unparseable schedule is a warning (ESO ignores the
// window), an allow list with no usable window is a warning, a JSON merge without `into` is an error.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { providerSchemas } from "../../../providers/index.ts";
import { validateFindings } from "../../../src/commands/validate.ts";

const store = { apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "fake", namespace: "apps" }, spec: { provider: { fake: { data: [] } } } };
const es = (spec: object) => ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "app", namespace: "apps" }, spec: { secretStoreRef: { name: "fake" }, ...spec } });
const ces = (spec: object) => ({ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", metadata: { name: "all" }, spec: { namespaceSelectors: [{ matchLabels: { a: "b" } }], externalSecretSpec: { secretStoreRef: { name: "fake", kind: "ClusterSecretStore" }, ...spec } } });
const data = [{ secretKey: "k", remoteRef: { key: "k" } }];

function findings(...docs: object[]) {
  const dir = mkdtempSync(join(tmpdir(), "sb-validate-wm-"));
  writeFileSync(join(dir, "all.yaml"), [store, ...docs].map((d) => YAML.stringify(d)).join("---\n"));
  return validateFindings([dir], providerSchemas(), { allowMissingStores: true }).findings.filter((f) => !/is not defined in the validated files/.test(f.message));
}

describe("validate: syncWindows and rewrite.merge", () => {
  const table: { name: string; given: object; want: { severity: string; message: RegExp }[] }[] = [
    { name: "valid windows: nothing", given: es({ data, syncWindows: { kind: "deny", windows: [{ schedule: "0 22 * * 1-5", duration: "8h" }, { schedule: "@daily", duration: "1m" }] } }), want: [] },
    {
      name: "@every: a warning saying whether it is always or never open",
      given: es({ data, syncWindows: { kind: "allow", windows: [{ schedule: "@every 30m", duration: "10m" }, { schedule: "@every 1h", duration: "2h" }] } }),
      want: [
        { severity: "warning", message: /windows\[0\]\.schedule: "@every 30m" has no fixed start time: as in ESO, this window is never open/ },
        { severity: "warning", message: /windows\[1\]\.schedule: "@every 1h" has no fixed start time: as in ESO, this window is open at every moment/ },
      ],
    },
    {
      name: "a schedule robfig rejects (past the CRD pattern): a warning with robfig's message",
      given: es({ data, syncWindows: { kind: "deny", windows: [{ schedule: "0 22 * * 7", duration: "8h" }] } }),
      want: [{ severity: "warning", message: /ExternalSecret\/apps\/app: spec\.syncWindows\.windows\[0\]\.schedule: end of range \(7\) above maximum \(6\): 7; this window is ignored \(as ESO ignores it\)/ }],
    },
    {
      name: "allow with no usable window: two warnings",
      given: es({ data, syncWindows: { kind: "allow", windows: [{ schedule: "61 * * * *", duration: "1h" }] } }),
      want: [{ severity: "warning", message: /schedule: end of range \(61\)/ }, { severity: "warning", message: /spec\.syncWindows: no window of kind allow can open; this ExternalSecret will never refresh periodically/ }],
    },
    {
      name: "in a ClusterExternalSecret, at its path",
      given: ces({ data, syncWindows: { kind: "deny", windows: [{ schedule: "0 0 31 13 *", duration: "1h" }] } }),
      want: [{ severity: "warning", message: /spec\.externalSecretSpec\.syncWindows\.windows\[0\]\.schedule: end of range \(13\) above maximum \(12\): 13/ }],
    },
    { name: "merges: Extract and JSON with into are fine", given: es({ dataFrom: [{ extract: { key: "a" }, rewrite: [{ merge: {} }, { merge: { strategy: "JSON", into: "all" } }] }] }), want: [] },
    {
      name: "a JSON merge without into: an error",
      given: es({ dataFrom: [{ extract: { key: "a" } }, { extract: { key: "b" }, rewrite: [{ regexp: { source: "a", target: "b" } }, { merge: { strategy: "JSON" } }] }] }),
      want: [{ severity: "error", message: /spec\.dataFrom\[1\]\.rewrite\[1\]\.merge\.into: required with strategy JSON/ }],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const got = findings(c.given);
      assert.equal(got.length, c.want.length, got.map((f) => f.message).join("\n"));
      c.want.forEach((w, i) => {
        assert.equal(got[i]!.severity, w.severity);
        assert.match(got[i]!.message, w.message);
      });
    });
  }
});
