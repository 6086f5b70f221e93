// Fault scenario (issue 23): the provider outage of provider-outage.ts (moto) for the other peers: OpenBao, the GCP
// Secret Manager emulator and the git server behind a SOPS store, each reached only through the fault proxy, which
// answers 503 (or holds every request unanswered: a black hole) for the outage. Measured per peer: Secrets deleted or
// changed meanwhile (goal 0), ExternalSecrets reporting it, requests the operator sent to the failing peer, and the
// time from its return to every ExternalSecret Ready again. Used by the reduced test in `npm test` and by
// `npm run faults` at full size.
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { freshNamespace } from "../helpers/bench.ts";
import { emulator, seedSecret, uniqueProject } from "../helpers/gcpsm.ts";
import { bao, mountKv, unique, writeKv } from "../helpers/openbao.ts";
import { kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { observeSecrets, type OutageFigureBase } from "./outage-observer.ts";
import { planted } from "../helpers/planted.ts";
import { basicAuth, fixtureKey, gitStore, newRepo, putSecret, sopsEncrypt } from "../helpers/sops.ts";
import { startFaultProxy, type Fault } from "./fault-proxy.ts";

export type Peer = "openbao" | "gcp" | "git";

export interface PeerOutageOptions {
  peer: Peer;
  fault: "503" | "blackhole";
  externalSecrets: number;
  keys: number;
  intervalSeconds: number;
  outageSeconds: number;
}

export interface PeerOutageFigures extends OutageFigureBase {
  peer: Peer;
  fault: string;
}

/** What a peer needs: its upstream for the proxy, a store through the proxy, and each ExternalSecret's read. */
interface PeerSetup {
  upstream: { addr: string; caPem?: string };
  store(proxyUrl: string): Record<string, unknown>;
  read(key: number): { key: string; property?: string };
}

async function setUp(peer: Peer, ns: string, keys: number): Promise<PeerSetup> {
  const k = kube();
  if (peer === "openbao") {
    const b = bao();
    const mount = unique("kv-outage");
    await mountKv(b, mount, "2");
    for (let key = 0; key < keys; key++) await writeKv(b, mount, `key-${key}`, { v: planted(`bao-${key}`) });
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "vault-token" }, stringData: { token: b.rootToken } } });
    return {
      upstream: { addr: b.addr, caPem: b.caPem },
      store: (proxyUrl) => ({ provider: { vault: { server: proxyUrl, path: mount, version: "v2", auth: { tokenSecretRef: { name: "vault-token", key: "token" } } } } }),
      read: (key) => ({ key: `key-${key}`, property: "v" }),
    };
  }
  if (peer === "gcp") {
    const project = uniqueProject("outage");
    for (let key = 0; key < keys; key++) await seedSecret(emulator().endpoint, project, `key-${key}`, [planted(`gcp-${key}`)]);
    return {
      upstream: { addr: emulator().endpoint },
      store: (proxyUrl) => ({ provider: { gcpsm: { projectID: project, endpoint: proxyUrl } } }),
      read: (key) => ({ key: `key-${key}` }),
    };
  }
  const age = fixtureKey("team-a");
  const { repo, url } = newRepo("outage");
  const yaml = Array.from({ length: keys }, (_, key) => `k${key}: ${planted(`git-${key}`)}\n`).join("");
  repo.commit({ "app.enc.yaml": sopsEncrypt(yaml, { format: "yaml", recipients: [age.recipient] }) }, "values");
  await putSecret(k.core, ns, "sops-age", { "team-a.agekey": age.file });
  await putSecret(k.core, ns, "git-basic", basicAuth());
  const upstream = new URL(url);
  return {
    upstream: { addr: upstream.origin },
    store: (proxyUrl) => gitStore(`${proxyUrl}${upstream.pathname}`, { ref: { branch: "main" }, authSecret: "git-basic", refreshInterval: "2s" }),
    read: (key) => ({ key: "app.enc.yaml", property: `k${key}` }),
  };
}

export async function runPeerOutage(opts: PeerOutageOptions, log: (line: string) => void = () => undefined): Promise<PeerOutageFigures> {
  const k = kube();
  const ns = await freshNamespace(`faults-${opts.peer}`);
  const setup = await setUp(opts.peer, ns, opts.keys);
  const proxy = await startFaultProxy(setup.upstream);
  let op: TestOperator | undefined;
  try {
    op = await startTestOperator(ns, { minRefreshIntervalMs: 0 });
    await k.create("SecretStore", ns, "peer", setup.store(proxy.url));
    const names = Array.from({ length: opts.externalSecrets }, (_, i) => `es-${i}`);
    for (const [i, name] of names.entries()) {
      await k.create("ExternalSecret", ns, name, { refreshInterval: `${opts.intervalSeconds}s`, secretStoreRef: { name: "peer" }, data: [{ secretKey: "v", remoteRef: setup.read(i % opts.keys) }] });
    }
    const list = async () => ((await k.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "externalsecrets" })) as { items: ExternalSecret[] }).items;
    const allReady = async () => {
      const items = await list();
      return items.length === names.length && items.every((es) => ready(es)?.status === "True");
    };
    await waitFor("every ExternalSecret Ready", async () => ((await allReady()) ? true : undefined), 300_000);
    const observer = await observeSecrets(ns, list);
    log(`${opts.peer} outage: ${opts.outageSeconds}s of ${opts.fault} under ${names.length} ExternalSecrets on ${opts.keys} keys`);
    const fault: Fault = opts.fault === "503" ? { kind: "status", code: 503 } : { kind: "blackhole" };
    const sentBefore = proxy.total();
    proxy.fault = fault;
    await observer.watchFor(opts.outageSeconds);
    const requestsDuringOutage = proxy.total() - sentBefore;
    proxy.fault = { kind: "none" };
    const back = Date.now();
    await waitFor("every ExternalSecret Ready again", async () => ((await allReady()) ? true : undefined), 600_000).catch(() => undefined);
    const recoverySeconds = (Date.now() - back) / 1000;
    await observer.check();
    return { peer: opts.peer, fault: opts.fault, externalSecrets: names.length, keys: opts.keys, outageSeconds: opts.outageSeconds, secretsLost: observer.lost.size, secretsChanged: observer.changed.size, reportedNotReady: observer.notReady.size, requestsDuringOutage, recoverySeconds };
  } finally {
    await op?.stop();
    await proxy.close();
  }
}
