// ESO fields accepted by the CRD but not served yet: found wherever they sit, named by their spec path.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ExternalSecretSpec } from "../../../src/api/external-secret.ts";
import { unsupportedFields, unsupportedMessage } from "../../../src/api/unsupported.ts";

const data = [{ secretKey: "a", remoteRef: { key: "k" } }];
const cases: { name: string; given: ExternalSecretSpec | undefined; want: string[] }[] = [
  { name: "no spec", given: undefined, want: [] },
  { name: "served fields only", given: { data, target: { name: "t" }, dataFrom: [{ extract: { key: "k" }, rewrite: [{ regexp: { source: "a", target: "b" } }] }] }, want: [] },
  { name: "target.manifest", given: { data, target: { manifest: { apiVersion: "v1", kind: "ConfigMap" } } }, want: ["spec.target.manifest: rendering into a resource other than a Secret is not supported by secrets-bridge yet"] },
  {
    name: "syncWindows and rewrite.merge are served",
    given: { data, syncWindows: { kind: "deny", windows: [{ schedule: "@daily", duration: "1h" }] }, dataFrom: [{ extract: { key: "b" }, rewrite: [{ regexp: { source: "a", target: "b" } }, { merge: {} }] }] },
    want: [],
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
    const [field] = unsupportedFields({ data, target: { manifest: { apiVersion: "v1", kind: "ConfigMap" } } });
    assert.equal(unsupportedMessage(field!, "spec.externalSecretSpec"), "spec.externalSecretSpec.target.manifest: rendering into a resource other than a Secret is not supported by secrets-bridge yet");
  });
});
