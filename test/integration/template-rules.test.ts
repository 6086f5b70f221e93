// ESO 2.9's templateFrom details and template rules on the real apiserver: targets in any letter case,
// valuesDecodingStrategy, the privileged-template rule refused by the CRD's CEL rules, and a template ESO
// refuses for a Secret caught at sync (Ready=False, TemplateNotAllowed, the last good Secret kept).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";

describe("template rules (ESO 2.9)", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();

  before(async () => {
    ns = await freshNamespace("tpl-rules");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", {
      provider: { fake: { data: [{ key: "/app", value: JSON.stringify({ user: "app", blob: Buffer.from("decoded!").toString("base64") }) }] } },
    });
  });
  after(async () => {
    await op?.stop();
  });

  const apiMessage = (err: unknown): string => String((err as { body?: unknown }).body ?? err);

  for (const [name, template, want] of [
    ["sa-annotation", { type: "kubernetes.io/service-account-token", metadata: { annotations: { "kubernetes.io/service-account.name": "default" } } }, 'with annotation \\"kubernetes.io/service-account.name\\" is not allowed'],
    ["bootstrap", { type: "bootstrap.kubernetes.io/token", data: { "token-id": "abcdef" } }, 'template.type=\\"bootstrap.kubernetes.io/token\\" is not allowed'],
  ] as const) {
    it(`the apiserver refuses a privileged template (${name})`, async () => {
      await assert.rejects(
        k.create("ExternalSecret", ns, name, { secretStoreRef: { name: "fake" }, dataFrom: [{ extract: { key: "/app" } }], target: { template } }),
        (err) => {
          assert.ok(apiMessage(err).includes(want), apiMessage(err));
          return true;
        },
      );
    });
  }

  it("matches targets in any letter case and decodes values; a privileged template fails at sync and keeps the last Secret", async () => {
    await k.create("ExternalSecret", ns, "cases", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/app" } }],
      target: {
        template: {
          templateFrom: [
            { literal: "user: '{{ .user }}'", target: "data" },
            { literal: "blob: '{{ .blob }}'", target: "DATA", valuesDecodingStrategy: "Base64" },
            { literal: "team: '{{ .user }}-team'", target: "labels" },
          ],
        },
      },
    });
    const secret = await waitFor("secret cases", () => k.secret(ns, "cases"));
    assert.deepEqual(decoded(secret), { user: "app", blob: "decoded!" });
    assert.equal(secret.metadata?.labels?.team, "app-team");
    assert.equal(secret.metadata?.annotations?.user, undefined, "lower-case targets no longer land in annotations");

    // The CRD cannot say this one in CEL within the apiserver's cost budget: the sync refuses it.
    await k.patch("ExternalSecret", ns, "cases", { spec: { target: { template: { type: "kubernetes.io/service-account-token", templateFrom: [{ literal: "kubernetes.io/service-account.name: default", target: "AnNoTaTiOnS" }] } } } });
    const es = await waitForReady(k, ns, "cases", "False");
    assert.match(ready(es)!.message!, /TemplateNotAllowed: template.type="kubernetes.io\/service-account-token" with templateFrom target="Annotations" is not allowed/);
    const kept = await k.secret(ns, "cases");
    assert.deepEqual(decoded(kept), { user: "app", blob: "decoded!" }, "the last good Secret is kept");
    assert.equal(kept?.type, "Opaque");
    assert.equal(kept?.metadata?.annotations?.["kubernetes.io/service-account.name"], undefined);
  });

  it("a templateFrom target ESO refuses for a Secret fails at sync, before any Secret is written", async () => {
    await k.create("ExternalSecret", ns, "path-target", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/app" } }],
      target: { template: { templateFrom: [{ literal: "type: kubernetes.io/service-account-token", target: "type" }] } },
    });
    const es = await waitForReady(k, ns, "path-target", "False");
    assert.match(ready(es)!.message!, /TemplateNotAllowed: templateFrom target="type" is not allowed when targeting a Secret/);
    assert.equal(await k.secret(ns, "path-target"), undefined);
  });
});
