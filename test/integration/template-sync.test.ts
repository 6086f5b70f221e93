// target.template on the real apiserver with the fake store: template.data with a type, templateFrom
// (ConfigMap Values and KeysAndValues, Secret, literal; Data, Labels and Annotations targets),
// mergePolicy Replace/Merge, templated metadata, PKCS#12 -> TLS, decoding/conversion strategies, and
// rewrite (regexp then transform, in order). Planted values never reach logs, Events or status.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { testPki } from "../unit/template/pki.ts";
import { planted } from "../helpers/planted.ts";


describe("templates with the fake store", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const password = planted();
  const token = planted();
  const pki = testPki();
  const bin = (s: string) => Buffer.from(s, "latin1").toString("base64");

  before(async () => {
    ns = await freshNamespace("tpl-sync");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", {
      provider: {
        fake: {
          data: [
            { key: "/db", value: JSON.stringify({ user: "app", password, host: "db.internal", port: 5432 }) },
            { key: "/registry", value: JSON.stringify({ user: "bot", token }) },
            { key: "/p12", value: bin(pki.p12) },
            { key: "/p12pass", value: bin(pki.p12Pass) },
            { key: "/b64", value: Buffer.from(token).toString("base64") },
            // Padded, as Go's base64.URLEncoding (which ESO uses) requires.
            { key: "/b64url", value: Buffer.from(`${token}?>`).toString("base64").replace(/\+/g, "-").replace(/\//g, "_") },
            { key: "/plain", value: "not base64!" },
            { key: "/keys", value: JSON.stringify({ "app/one": "1", "app/two": "2", "other/x": "3" }) },
          ],
        },
      },
    });
    await k.core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: { name: "templates" },
        data: {
          "config.yaml": "db:\n  url: postgres://{{ .user }}@{{ .host }}:{{ .port }}\n",
          "pairs.tpl": "{{ range $k, $v := . }}{{ $k }}-copy: {{ $v | quote }}\n{{ end }}",
          team: "{{ .user }}-team",
        },
      },
    });
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "secret-templates" }, stringData: { "jdbc.url": "jdbc:postgresql://{{ .host }}:{{ .port }}/app?password={{ .password | urlquery }}" } } });
  });
  after(async () => {
    await op?.stop();
  });

  it("renders template.data with a Secret type (dockerconfigjson)", async () => {
    await k.create("ExternalSecret", ns, "registry", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/registry" } }],
      target: {
        template: {
          type: "kubernetes.io/dockerconfigjson",
          data: { ".dockerconfigjson": '{{ dict "auths" (dict "ghcr.io" (dict "auth" (printf "%s:%s" .user .token | b64enc))) | toJson }}' },
        },
      },
    });
    const secret = await waitFor("secret registry", () => k.secret(ns, "registry"));
    assert.equal(secret.type, "kubernetes.io/dockerconfigjson");
    assert.deepEqual(Object.keys(decoded(secret)), [".dockerconfigjson"]);
    const auth = JSON.parse(decoded(secret)[".dockerconfigjson"]!).auths["ghcr.io"].auth;
    assert.equal(Buffer.from(auth, "base64").toString(), `bot:${token}`);
  });

  it("applies templateFrom (ConfigMap Values + KeysAndValues, Secret, literal, label/annotation targets) before template.data", async () => {
    await k.create("ExternalSecret", ns, "app", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/db" } }],
      target: {
        template: {
          metadata: { labels: { owner: "{{ .user }}" }, annotations: { "example.com/host": "{{ .host }}" } },
          templateFrom: [
            { configMap: { name: "templates", items: [{ key: "config.yaml" }, { key: "pairs.tpl", templateAs: "KeysAndValues" }] } },
            { secret: { name: "secret-templates", items: [{ key: "jdbc.url" }] } },
            { literal: "from-literal: {{ .port }}", target: "Data" },
            { configMap: { name: "templates", items: [{ key: "team" }] }, target: "Labels" },
            { literal: "note: '{{ .user }} on {{ .host }}'", target: "Annotations" },
          ],
          data: { "from-literal": "overridden by template.data" },
        },
      },
    });
    const secret = await waitFor("secret app", () => k.secret(ns, "app"));
    const data = decoded(secret);
    assert.equal(data["config.yaml"], "db:\n  url: postgres://app@db.internal:5432\n");
    assert.equal(data["jdbc.url"], `jdbc:postgresql://db.internal:5432/app?password=${encodeURIComponent(password).replace(/%20/g, "+")}`);
    assert.equal(data["user-copy"], "app");
    assert.equal(data["password-copy"], password);
    assert.equal(data["from-literal"], "overridden by template.data");
    assert.equal(data.user, undefined, "mergePolicy Replace keeps only templated keys");
    assert.equal(secret.metadata?.labels?.owner, "app");
    assert.equal(secret.metadata?.labels?.team, "app-team");
    assert.equal(secret.metadata?.annotations?.["example.com/host"], "db.internal");
    assert.equal(secret.metadata?.annotations?.note, "app on db.internal");
  });

  it("mergePolicy Merge keeps the fetched keys next to the templated ones", async () => {
    await k.create("ExternalSecret", ns, "merged", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/db" } }],
      target: { template: { mergePolicy: "Merge", data: { url: "{{ .user }}@{{ .host }}" } } },
    });
    const data = decoded(await waitFor("secret merged", () => k.secret(ns, "merged")));
    assert.deepEqual(Object.keys(data).sort(), ["host", "password", "port", "url", "user"]);
    assert.equal(data.url, "app@db.internal");
  });

  it("builds a TLS Secret from PKCS#12 archives (pkcs12cert/pkcs12key, with and without a password)", async () => {
    await k.create("ExternalSecret", ns, "tls", {
      secretStoreRef: { name: "fake" },
      data: [
        { secretKey: "keystore", remoteRef: { key: "/p12", decodingStrategy: "Base64" } },
        { secretKey: "keystorePass", remoteRef: { key: "/p12pass", decodingStrategy: "Base64" } },
      ],
      target: {
        template: {
          type: "kubernetes.io/tls",
          data: {
            "tls.crt": "{{ .keystore | pkcs12cert }}",
            "tls.key": "{{ .keystore | pkcs12key }}",
            "ca.crt": '{{ .keystorePass | pkcs12certPass "s3cret" | filterCertChain "root" }}',
            sans: '{{ .keystore | pkcs12cert | certSANs | join "," }}',
          },
        },
      },
    });
    const secret = await waitFor("secret tls", () => k.secret(ns, "tls"));
    const data = decoded(secret);
    assert.equal(secret.type, "kubernetes.io/tls");
    assert.equal(new X509Certificate(data["tls.crt"]!).subject, "CN=app.example.com");
    assert.equal(data["tls.crt"], pki.leafPem + pki.intermediatePem + pki.rootPem, "leaf, intermediate, root");
    assert.equal(data["tls.key"], pki.leafKeyPem);
    assert.equal(data["ca.crt"], pki.rootPem);
    assert.equal(data.sans, "app.example.com,www.example.com,10.0.0.1");
  });

  it("decodes values (Base64, Base64URL, Auto) and converts keys (Default, Unicode)", async () => {
    await k.create("ExternalSecret", ns, "decoding", {
      secretStoreRef: { name: "fake" },
      data: [
        { secretKey: "std", remoteRef: { key: "/b64", decodingStrategy: "Base64" } },
        { secretKey: "url", remoteRef: { key: "/b64url", decodingStrategy: "Base64URL" } },
        { secretKey: "auto", remoteRef: { key: "/b64", decodingStrategy: "Auto" } },
        { secretKey: "auto-raw", remoteRef: { key: "/plain", decodingStrategy: "Auto" } },
        { secretKey: "none", remoteRef: { key: "/b64", decodingStrategy: "None" } },
      ],
      dataFrom: [{ extract: { key: "/keys", conversionStrategy: "Unicode" } }, { extract: { key: "/keys", conversionStrategy: "Default" } }],
    });
    const data = decoded(await waitFor("secret decoding", () => k.secret(ns, "decoding")));
    assert.equal(data.std, token);
    assert.equal(data.url, `${token}?>`);
    assert.equal(data.auto, token);
    assert.equal(data["auto-raw"], "not base64!");
    assert.equal(data.none, Buffer.from(token).toString("base64"));
    assert.equal(data["app_U002f_one"], "1");
    assert.equal(data["app_one"], "1");
    assert.equal(data["other_x"], "3");
  });

  it("rewrites keys in order: regexp, then a transform template over .value", async () => {
    await k.create("ExternalSecret", ns, "rewritten", {
      secretStoreRef: { name: "fake" },
      dataFrom: [
        {
          extract: { key: "/keys" },
          rewrite: [{ regexp: { source: "^app/(?P<name>.*)$", target: "app_${name}" } }, { regexp: { source: "/", target: "-" } }, { transform: { template: "{{ .value | upper }}" } }],
        },
      ],
    });
    const data = decoded(await waitFor("secret rewritten", () => k.secret(ns, "rewritten")));
    assert.deepEqual(data, { APP_ONE: "1", APP_TWO: "2", "OTHER-X": "3" });
  });

  it("never shows a planted value in logs, Events or status", async () => {
    const events = await k.events(ns);
    assert.ok(events.includes("Created"), "expected Created events");
    for (const value of [password, token]) {
      assert.ok(!op.logs().includes(value), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(value), "a planted value appeared in Events");
      for (const name of ["registry", "app", "merged", "tls", "decoding", "rewritten"]) {
        const es = await k.es(ns, name);
        assert.equal(ready(es)?.status, "True", `${name} is Ready`);
        assert.ok(!JSON.stringify(es.status).includes(value), "a planted value appeared in status");
      }
    }
  });
});
