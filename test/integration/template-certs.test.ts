// Sprig's struct-valued functions end to end on the real apiserver with the fake store: a TLS Secret whose
// certificate genSelfSignedCert makes from fetched data, read through the certificate struct's fields, and
// a value from semver's methods; the Secret holds a certificate node:crypto accepts, for the fetched host,
// with its key. A render past the key-generation quota sets Ready=False with the budget's fixed text.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";

describe("certificate and semver template functions with the fake store", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();

  before(async () => {
    ns = await freshNamespace("tpl-certs");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", {
      provider: { fake: { data: [{ key: "/svc", value: JSON.stringify({ host: "api.internal", ip: "10.1.2.3", version: "v1.21.3-gke.1100" }) }] } },
    });
  });
  after(async () => {
    await op?.stop();
  });

  it("builds a TLS Secret from genSelfSignedCert's Cert and Key and semver's parts", async () => {
    await k.create("ExternalSecret", ns, "tls", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/svc" } }],
      target: {
        template: {
          type: "kubernetes.io/tls",
          templateFrom: [
            {
              literal: [
                "{{- $c := genSelfSignedCert .host (list .ip) (list .host) 30 }}",
                "tls.crt: {{ $c.Cert | quote }}",
                "tls.key: {{ $c.Key | quote }}",
                '{{- $v := semver .version }}',
                'minor: "{{ $v.Minor }}"',
                'modern: "{{ $v.GreaterThanEqual (semver "1.20") }}"',
              ].join("\n"),
            },
          ],
        },
      },
    });
    const secret = await waitFor("secret tls", () => k.secret(ns, "tls"));
    assert.equal(secret.type, "kubernetes.io/tls");
    const data = decoded(secret);
    assert.deepEqual(Object.keys(data).sort(), ["minor", "modern", "tls.crt", "tls.key"]);
    assert.equal(data.minor, "21");
    assert.equal(data.modern, "true");
    const cert = new X509Certificate(data["tls.crt"]!);
    assert.equal(cert.subject, "CN=api.internal");
    assert.equal(cert.subjectAltName, "DNS:api.internal, IP Address:10.1.2.3");
    assert.ok(cert.checkPrivateKey(createPrivateKey(data["tls.key"]!)));
  });

  it("a render past the key-generation quota is refused with the budget's text", async () => {
    await k.create("ExternalSecret", ns, "too-many-keys", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/svc" } }],
      target: { template: { data: { a: '{{ genPrivateKey "rsa" | len }}', b: '{{ range until 5 }}{{ genCA "x" 1 | typeOf }}{{ end }}' } } },
    });
    const es = await waitForReady(k, ns, "too-many-keys", "False");
    const message = es.status?.conditions?.find((c) => c.type === "Ready")?.message ?? "";
    assert.match(message, /template budget exhausted: more than 12 key generation units per render/);
  });
});
