// The SOPS provider on every document format the real sops 3.13.2 writes (YAML, JSON, dotenv, INI, binary) and
// with its encryption rules (encrypted_regex, unencrypted_suffix, mac_only_encrypted), read from the bench's git
// server: properties, nested properties, whole files, dataFrom.extract and dataFrom.find; no planted value leaks.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { basicAuth, fixtureKey, gitStore, newRepo, planted, putSecret, sopsEncrypt } from "../helpers/sops.ts";

describe("sops provider: document formats and sops rules", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const key = fixtureKey("team-a");
  const recipients = [key.recipient];
  const v = {
    yamlPassword: planted("yaml"),
    yamlToken: planted("tok"),
    jsonKey: planted("json"),
    envPassword: planted("env"),
    iniPassword: planted("ini"),
    iniTop: planted("top"),
    regexToken: planted("regex"),
    suffixSecret: planted("suffix"),
    macOnly: planted("maconly"),
  };
  const binary = randomBytes(48);
  const { repo, url } = newRepo("sops-formats");

  const files: Record<string, string | Uint8Array> = {
    "secrets/app.enc.yaml": sopsEncrypt(
      `# app credentials\ndatabase:\n  user: app\n  password: ${v.yamlPassword}\n  port: 5432\n  replicas: [a, b]\napi:\n  token: ${v.yamlToken}\n  enabled: true\n`,
      { format: "yaml", recipients },
    ),
    "secrets/app.enc.json": sopsEncrypt(JSON.stringify({ service: { key: v.jsonKey, "1": "one", ratio: 0.25 }, count: 3 }), { format: "json", recipients }),
    "secrets/app.env": sopsEncrypt(`# dotenv\nDB_USER=app\nDB_PASSWORD=${v.envPassword}\nMULTI=line1\\nline2\n`, { format: "dotenv", recipients }),
    "secrets/app.ini": sopsEncrypt(`top = ${v.iniTop}\n[database]\nuser = app\npassword = ${v.iniPassword}\n`, { format: "ini", recipients }),
    "secrets/blob.bin": sopsEncrypt(binary, { format: "binary", recipients }),
    "secrets/k8s.enc.yaml": sopsEncrypt(`kind: Secret\nmetadata:\n  name: plain-name\nstringData:\n  token: ${v.regexToken}\n`, { format: "yaml", recipients, encryptedRegex: "^(data|stringData)$" }),
    "secrets/suffix.enc.yaml": sopsEncrypt(`secret: ${v.suffixSecret}\nversion_public: "42"\n`, { format: "yaml", recipients, unencryptedSuffix: "_public" }),
    "secrets/maconly.enc.json": sopsEncrypt(JSON.stringify({ secret_value: v.macOnly, label: "visible" }), { format: "json", recipients, encryptedRegex: "^secret", macOnlyEncrypted: true }),
    "secrets/README.md": "Encrypted with sops; not a secret itself.\n",
  };

  before(async () => {
    repo.commit(files, "all formats");
    ns = await freshNamespace("sops-formats");
    await putSecret(k.core, ns, "sops-age", { "team-a.agekey": key.file, "notes.txt": "not a key" });
    await putSecret(k.core, ns, "git-auth", basicAuth());
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "sops", gitStore(url, { ref: { branch: "main" }, path: "secrets", authSecret: "git-auth" }));
  });
  after(async () => {
    await op?.stop();
    repo.dispose();
  });

  const synced = (name: string) =>
    waitFor(`secret ${name}`, async () => {
      const es = await k.es(ns, name);
      if (ready(es)?.status === "False") throw new Error(`${name}: ${ready(es)?.message}`);
      return ready(es)?.status === "True" ? k.secret(ns, name) : undefined;
    });

  it("reads properties and nested properties of YAML, JSON, dotenv and INI files", async () => {
    await k.create("ExternalSecret", ns, "props", {
      refreshInterval: "1h",
      secretStoreRef: { name: "sops" },
      data: [
        { secretKey: "yaml-password", remoteRef: { key: "app.enc.yaml", property: "database.password" } },
        { secretKey: "yaml-port", remoteRef: { key: "app.enc.yaml", property: "database.port" } },
        { secretKey: "yaml-replica", remoteRef: { key: "app.enc.yaml", property: "database.replicas.1" } },
        { secretKey: "yaml-enabled", remoteRef: { key: "app.enc.yaml", property: "api.enabled" } },
        { secretKey: "json-key", remoteRef: { key: "app.enc.json", property: "service.key" } },
        { secretKey: "json-one", remoteRef: { key: "app.enc.json", property: "service.1" } },
        { secretKey: "json-ratio", remoteRef: { key: "app.enc.json", property: "service.ratio" } },
        { secretKey: "env-password", remoteRef: { key: "app.env", property: "DB_PASSWORD" } },
        { secretKey: "env-multi", remoteRef: { key: "app.env", property: "MULTI" } },
        { secretKey: "ini-password", remoteRef: { key: "app.ini", property: "database.password" } },
        { secretKey: "ini-top", remoteRef: { key: "app.ini", property: "top" } },
      ],
    });
    const secret = await synced("props");
    assert.deepEqual(decoded(secret), {
      "yaml-password": v.yamlPassword,
      "yaml-port": "5432",
      "yaml-replica": "b",
      "yaml-enabled": "true",
      "json-key": v.jsonKey,
      "json-one": "one",
      "json-ratio": "0.25",
      "env-password": v.envPassword,
      "env-multi": "line1\nline2",
      "ini-password": v.iniPassword,
      "ini-top": v.iniTop,
    });
  });

  it("returns whole decrypted files, binary files byte for byte", async () => {
    await k.create("ExternalSecret", ns, "whole", {
      refreshInterval: "1h",
      secretStoreRef: { name: "sops" },
      data: [
        { secretKey: "blob", remoteRef: { key: "blob.bin" } },
        { secretKey: "app.env", remoteRef: { key: "app.env" } },
        { secretKey: "app.json", remoteRef: { key: "app.enc.json" } },
        { secretKey: "app.yaml", remoteRef: { key: "./app.enc.yaml" } },
      ],
    });
    const secret = await synced("whole");
    assert.deepEqual(Buffer.from(secret!.data!["blob"]!, "base64"), binary);
    const text = decoded(secret);
    assert.equal(text["app.env"], `DB_USER=app\nDB_PASSWORD=${v.envPassword}\nMULTI=line1\\nline2\n`);
    assert.deepEqual(JSON.parse(text["app.json"]!), { service: { key: v.jsonKey, "1": "one", ratio: 0.25 }, count: 3 });
    assert.match(text["app.yaml"]!, new RegExp(`password: ${v.yamlPassword}`));
    assert.match(text["app.yaml"]!, /enabled: true/);
  });

  it("honours encrypted_regex, unencrypted_suffix and mac_only_encrypted", async () => {
    await k.create("ExternalSecret", ns, "rules", {
      refreshInterval: "1h",
      secretStoreRef: { name: "sops" },
      data: [
        { secretKey: "regex-token", remoteRef: { key: "k8s.enc.yaml", property: "stringData.token" } },
        { secretKey: "regex-plain", remoteRef: { key: "k8s.enc.yaml", property: "metadata.name" } },
        { secretKey: "suffix-secret", remoteRef: { key: "suffix.enc.yaml", property: "secret" } },
        { secretKey: "suffix-public", remoteRef: { key: "suffix.enc.yaml", property: "version_public" } },
        { secretKey: "maconly-secret", remoteRef: { key: "maconly.enc.json", property: "secret_value" } },
        { secretKey: "maconly-label", remoteRef: { key: "maconly.enc.json", property: "label" } },
      ],
    });
    assert.deepEqual(decoded(await synced("rules")), {
      "regex-token": v.regexToken,
      "regex-plain": "plain-name",
      "suffix-secret": v.suffixSecret,
      "suffix-public": "42",
      "maconly-secret": v.macOnly,
      "maconly-label": "visible",
    });
  });

  it("flattens one file with dataFrom.extract (also below a property)", async () => {
    await k.create("ExternalSecret", ns, "extract", {
      refreshInterval: "1h",
      secretStoreRef: { name: "sops" },
      dataFrom: [{ extract: { key: "app.enc.yaml", property: "database" } }, { extract: { key: "app.env" } }],
    });
    assert.deepEqual(decoded(await synced("extract")), {
      user: "app",
      password: v.yamlPassword,
      port: "5432",
      replicas: '["a","b"]',
      DB_USER: "app",
      DB_PASSWORD: v.envPassword,
      MULTI: "line1\nline2",
    });
  });

  it("selects files with dataFrom.find (path and name.regexp), skipping files that are not SOPS documents", async () => {
    await k.create("ExternalSecret", ns, "find", {
      refreshInterval: "1h",
      secretStoreRef: { name: "sops" },
      dataFrom: [{ find: { name: { regexp: "^app\\." } } }, { find: { path: "blob" } }],
    });
    const secret = await synced("find");
    assert.deepEqual(Object.keys(secret!.data!).sort(), ["app.enc.json", "app.enc.yaml", "app.env", "app.ini", "blob.bin"]);
    assert.deepEqual(Buffer.from(secret!.data!["blob.bin"]!, "base64"), binary);
    await k.create("ExternalSecret", ns, "find-all", { refreshInterval: "1h", secretStoreRef: { name: "sops" }, dataFrom: [{ find: { name: { regexp: ".*" } } }] });
    const all = await synced("find-all");
    assert.ok(!Object.keys(all!.data!).includes("README.md"), "a plain file must not become a key");
    assert.equal(Object.keys(all!.data!).length, 8);
  });

  it("refuses keys that leave the store's root", async () => {
    await k.create("ExternalSecret", ns, "escape", {
      refreshInterval: "1h",
      secretStoreRef: { name: "sops" },
      data: [{ secretKey: "x", remoteRef: { key: "../secrets/app.env" } }],
    });
    const es = await waitFor("escape rejected", async () => {
      const current = await k.es(ns, "escape");
      return ready(current)?.status === "False" ? current : undefined;
    });
    assert.match(ready(es)?.message ?? "", /may not contain "\.\."/);
    assert.equal(await k.secret(ns, "escape"), undefined);
  });

  it("never shows a planted value in logs, Events or status", async () => {
    const events = await k.events(ns);
    const statuses = await Promise.all(["props", "whole", "rules", "extract", "find", "find-all", "escape"].map(async (name) => JSON.stringify((await k.es(ns, name)).status)));
    for (const value of [...Object.values(v), key.identity, basicAuth().password]) {
      assert.ok(!op.logs().includes(value), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(value), "a planted value appeared in Events");
      for (const status of statuses) assert.ok(!status.includes(value), "a planted value appeared in status");
    }
  });
});
