// What a provider outage scenario watches while the provider is down: the ExternalSecrets' Secrets as they were
// before (any deleted or changed one counts), and which ExternalSecrets reported the outage (Ready=False).
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { kube, ready, sleep } from "../helpers/operator.ts";

/** The figures every outage scenario reports (moto's in provider-outage.ts, the other peers' in peer-outages.ts). */
export interface OutageFigureBase {
  externalSecrets: number;
  keys: number;
  outageSeconds: number;
  /** Secrets gone or with other data at any check during the outage and after it. */
  secretsLost: number;
  secretsChanged: number;
  /** ExternalSecrets that reported the outage (Ready=False) while it lasted. */
  reportedNotReady: number;
  /** Requests the operator sent to the failing peer while it was down. */
  requestsDuringOutage: number;
  /** From the peer's return to every ExternalSecret Ready=True. */
  recoverySeconds: number;
}

export interface OutageObserver {
  lost: Set<string>;
  changed: Set<string>;
  notReady: Set<string>;
  /** Compares the Secrets with the snapshot taken at the start. */
  check(): Promise<void>;
  /** Checks once a second for `seconds`, noting the ExternalSecrets that report the outage. */
  watchFor(seconds: number): Promise<void>;
}

/** Snapshots the Secrets of `ns` whose names start with `prefix` (the scenario's ExternalSecrets' targets). */
export async function observeSecrets(ns: string, externalSecrets: () => Promise<ExternalSecret[]>, prefix = "es-"): Promise<OutageObserver> {
  const k = kube();
  const snapshot = async () => new Map((await k.core.listNamespacedSecret({ namespace: ns })).items.filter((s) => s.metadata?.name?.startsWith(prefix)).map((s) => [s.metadata!.name!, JSON.stringify(s.data ?? {})]));
  const before = await snapshot();
  const observer: OutageObserver = {
    lost: new Set(),
    changed: new Set(),
    notReady: new Set(),
    async check() {
      const now = await snapshot();
      for (const [name, data] of before) {
        if (!now.has(name)) observer.lost.add(name);
        else if (now.get(name) !== data) observer.changed.add(name);
      }
    },
    async watchFor(seconds) {
      const ends = Date.now() + seconds * 1000;
      while (Date.now() < ends) {
        await observer.check();
        for (const es of await externalSecrets()) if (ready(es)?.status === "False") observer.notReady.add(es.metadata.name);
        await sleep(Math.min(1000, Math.max(0, ends - Date.now())));
      }
    },
  };
  return observer;
}
