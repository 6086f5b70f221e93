// ESO fields accepted by the CRD but not served yet: found wherever they sit, named by their spec path.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ExternalSecretSpec } from "../../../src/api/external-secret.ts";
import { unsupportedFields, unsupportedMessage } from "../../../src/api/unsupported.ts";

const data = [{ secretKey: "a", remoteRef: { key: "k" } }];
const cases: { name: string; given: ExternalSecretSpec | undefined; want: string[] }[] = [
  { name: "no spec", given: undefined, want: [] },
  { name: "served fields only", given: { data, target: { name: "t" }, dataFrom: [{ extract: { key: "k" }, rewrite: [{ regexp: { source: "a", target: "b" } }] }] }, want: [] },
  { name: "target.manifest is served", given: { data, target: { manifest: { apiVersion: "v1", kind: "ConfigMap" } } }, want: [] },
  { name: "syncWindows", given: { data, syncWindows: { kind: "deny", windows: [{ schedule: "@daily", duration: "1h" }] } }, want: ["spec.syncWindows: sync windows are not supported by secrets-bridge yet"] },
  {
    name: "rewrite.merge in the second entry, after a regexp",
    given: { dataFrom: [{ extract: { key: "a" } }, { extract: { key: "b" }, rewrite: [{ regexp: { source: "a", target: "b" } }, { merge: {} }] }] },
    want: ["spec.dataFrom[1].rewrite[1].merge: merge rewrites are not supported by secrets-bridge yet"],
  },
  {
    name: "both, in spec order",
    given: { target: { manifest: { apiVersion: "v1", kind: "ConfigMap" } }, syncWindows: { kind: "allow", windows: [{ schedule: "@daily", duration: "1h" }] }, dataFrom: [{ extract: { key: "a" }, rewrite: [{ merge: { strategy: "JSON", into: "x" } }] }] },
    want: ["spec.syncWindows", "spec.dataFrom[0].rewrite[0].merge"],
  },
];

describe("unsupportedFields", () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = unsupportedFields(c.given).map((f) => unsupportedMessage(f));
      assert.equal(got.length, c.want.length, got.join("\n"));
      c.want.forEach((want, i) => assert.ok(got[i]!.startsWith(want), `${got[i]} should start with ${want}`));
    });
  }
  it("prefixes a ClusterExternalSecret's path", () => {
    const [field] = unsupportedFields({ data, syncWindows: { kind: "deny", windows: [{ schedule: "@daily", duration: "1h" }] } });
    assert.equal(unsupportedMessage(field!, "spec.externalSecretSpec"), "spec.externalSecretSpec.syncWindows: sync windows are not supported by secrets-bridge yet");
  });
});
