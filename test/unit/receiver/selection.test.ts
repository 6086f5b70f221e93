// Which ExternalSecrets a verified call refreshes: only the receiver's namespace; stores select their readers; a
// ClusterSecretStore only when admitted; named keys narrow to the readers of those keys (and finds under them).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ExternalSecret } from "../../../src/api/external-secret.ts";
import type { SecretStore } from "../../../src/api/secret-store.ts";
import type { ReceiverResource } from "../../../src/api/refresh-receiver.ts";
import { selectExternalSecrets, touchesKeys } from "../../../src/receiver/selection.ts";

const es = (namespace: string, name: string, spec: Partial<ExternalSecret["spec"]>, labels?: Record<string, string>): ExternalSecret =>
  ({ metadata: { name, namespace, labels }, spec: { secretStoreRef: { name: "vault", kind: "SecretStore" }, ...spec } }) as ExternalSecret;
const store = (kind: SecretStore["kind"], name: string, namespace?: string, labels?: Record<string, string>): SecretStore => ({ kind, metadata: { name, namespace, labels }, spec: { provider: {} } });
const data = (...keys: string[]) => ({ data: keys.map((key) => ({ secretKey: key.replaceAll("/", "-"), remoteRef: { key } })) });

const all = [
  es("team-a", "db", data("app/db")),
  es("team-a", "api", data("app/api", "app/shared"), { tier: "web" }),
  es("team-a", "extract", { dataFrom: [{ extract: { key: "app/bundle" } }] }),
  es("team-a", "finder", { dataFrom: [{ find: { path: "app/flags/" } }] }),
  es("team-a", "shared", { secretStoreRef: { name: "shared", kind: "ClusterSecretStore" }, ...data("app/db") }),
  es("team-a", "other-store", { secretStoreRef: { name: "aws", kind: "SecretStore" }, ...data("app/db") }),
  es("team-b", "db", data("app/db")),
];
const stores = [store("SecretStore", "vault", "team-a", { provider: "vault" }), store("SecretStore", "aws", "team-a"), store("SecretStore", "vault", "team-b")];

const select = (resources: ReceiverResource[], opts: { keys?: string[]; admitted?: SecretStore[] } = {}) =>
  selectExternalSecrets({ namespace: "team-a", resources, externalSecrets: all, secretStores: stores, admittedClusterStores: opts.admitted ?? [], touched: opts.keys && touchesKeys(opts.keys) });

describe("selectExternalSecrets", () => {
  const table: Array<{ name: string; resources: ReceiverResource[]; keys?: string[]; admitted?: SecretStore[]; want: string[] }> = [
    { name: "an ExternalSecret by name, only in the receiver's namespace", resources: [{ kind: "ExternalSecret", name: "db" }], want: ["team-a/db"] },
    { name: "ExternalSecrets by labels", resources: [{ kind: "ExternalSecret", matchLabels: { tier: "web" } }], want: ["team-a/api"] },
    { name: "every ExternalSecret (name *)", resources: [{ kind: "ExternalSecret", name: "*" }], want: ["team-a/api", "team-a/db", "team-a/extract", "team-a/finder", "team-a/other-store", "team-a/shared"] },
    { name: "a SecretStore selects its readers in the namespace", resources: [{ kind: "SecretStore", name: "vault" }], want: ["team-a/api", "team-a/db", "team-a/extract", "team-a/finder"] },
    { name: "a SecretStore by labels", resources: [{ kind: "SecretStore", matchLabels: { provider: "vault" } }], want: ["team-a/api", "team-a/db", "team-a/extract", "team-a/finder"] },
    { name: "a ClusterSecretStore that does not admit the namespace selects nothing", resources: [{ kind: "ClusterSecretStore", name: "shared" }], want: [] },
    { name: "an admitted ClusterSecretStore selects its readers in the namespace only", resources: [{ kind: "ClusterSecretStore", name: "shared" }], admitted: [store("ClusterSecretStore", "shared")], want: ["team-a/shared"] },
    { name: "named keys: the readers of that key from the selected store", resources: [{ kind: "SecretStore", name: "vault" }], keys: ["app/db"], want: ["team-a/db"] },
    { name: "named keys: data and extract", resources: [{ kind: "SecretStore", name: "vault" }], keys: ["app/shared", "app/bundle"], want: ["team-a/api", "team-a/extract"] },
    { name: "named keys: a find whose path holds the key", resources: [{ kind: "SecretStore", name: "vault" }], keys: ["app/flags/beta"], want: ["team-a/finder"] },
    { name: "named keys: nobody reads it", resources: [{ kind: "SecretStore", name: "vault" }], keys: ["nope"], want: [] },
    { name: "named keys on ExternalSecret resources", resources: [{ kind: "ExternalSecret", name: "*" }], keys: ["app/db"], want: ["team-a/db", "team-a/other-store", "team-a/shared"] },
  ];
  for (const { name, resources, keys, admitted, want } of table) it(name, () => assert.deepEqual(select(resources, { keys, admitted }), want));
});
