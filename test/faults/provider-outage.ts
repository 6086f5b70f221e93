// Fault scenario (issue 23): the provider goes down for a while under N ExternalSecrets, then comes back.
// AWS Secrets Manager on moto, reached only through a fault proxy that answers 503 during the outage. Measured:
// Secrets deleted or changed meanwhile (goal 0), the requests the operator sent to the failing provider (bounded by
// the store's budget), the time from the provider's return to every ExternalSecret Ready again, and the provider
// reads from its return until all recovered (no herd: about one per distinct key). Used by the reduced test in
// `npm test` and by `npm run faults` at full size.
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { freshNamespace } from "../helpers/bench.ts";
import { awsStoreSpec, createCredentialsSecret, idsRead, moto, secretRefAuth } from "../helpers/moto.ts";
import { kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { observeSecrets, type OutageFigureBase } from "./outage-observer.ts";
import { planted } from "../helpers/planted.ts";
import { startFaultProxy } from "./fault-proxy.ts";

export interface OutageOptions {
  externalSecrets: number;
  /** Distinct remote keys the ExternalSecrets read (each read by externalSecrets/keys of them). */
  keys: number;
  intervalSeconds: number;
  outageSeconds: number;
  /** The store's request budget (spec.provider rate limit is ours: --store-requests-per-second). */
  storeRequestsPerSecond: number;
  storeRequestsBurst: number;
}

export interface OutageFigures extends OutageFigureBase {
  /**
   * The most HTTP requests the store budget allows in the outage: burst + rate x seconds budgeted calls, each tried
   * at most 3 times by the AWS SDK (its maxAttempts).
   */
  budgetBound: number;
  /** Secret ids read from the provider from its return until every ExternalSecret was Ready (at least one interval). */
  readsDuringRecovery: number;
}

export async function runProviderOutage(opts: OutageOptions, log: (line: string) => void = () => undefined): Promise<OutageFigures> {
  const k = kube();
  const m = moto();
  const ns = await freshNamespace("faults-outage");
  const prefix = `outage-${ns.slice(-8)}`;
  const proxy = await startFaultProxy({ addr: m.endpoint });
  let op: TestOperator | undefined;
  try {
    for (let key = 0; key < opts.keys; key++) await m.sm.send(new CreateSecretCommand({ Name: `${prefix}/key-${key}`, SecretString: planted(`outage-${key}`) }));
    await createCredentialsSecret(ns);
    op = await startTestOperator(ns, { defaultRateLimit: { requestsPerSecond: opts.storeRequestsPerSecond, burst: opts.storeRequestsBurst }, minRefreshIntervalMs: 0 });
    await k.create("SecretStore", ns, "aws", awsStoreSpec(proxy.url, { auth: secretRefAuth("aws-creds") }));
    const names = Array.from({ length: opts.externalSecrets }, (_, i) => `es-${i}`);
    for (const [i, name] of names.entries()) {
      await k.create("ExternalSecret", ns, name, {
        refreshInterval: `${opts.intervalSeconds}s`,
        secretStoreRef: { name: "aws", kind: "SecretStore" },
        data: [{ secretKey: "v", remoteRef: { key: `${prefix}/key-${i % opts.keys}` } }],
      });
    }
    const list = async () =>
      ((await k.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "externalsecrets" })) as { items: ExternalSecret[] }).items;
    const allReady = async () => (await list()).every((es) => ready(es)?.status === "True");
    await waitFor("every ExternalSecret Ready", async () => ((await allReady()) ? true : undefined), 120_000);
    const observer = await observeSecrets(ns, list);

    log(`outage: ${opts.outageSeconds}s of 503 under ${opts.externalSecrets} ExternalSecrets on ${opts.keys} keys, interval ${opts.intervalSeconds}s`);
    const sentBefore = proxy.total();
    proxy.fault = { kind: "status", code: 503 };
    await observer.watchFor(opts.outageSeconds);
    const requestsDuringOutage = proxy.total() - sentBefore;
    await m.clearLog();
    proxy.fault = { kind: "none" };
    const back = Date.now();
    await waitFor("every ExternalSecret Ready again", async () => ((await allReady()) ? true : undefined), 10 * 60_000);
    const recoverySeconds = (Date.now() - back) / 1000;
    await sleep(Math.max(0, back + opts.intervalSeconds * 1000 - Date.now()));
    const readsDuringRecovery = idsRead(await m.requests());
    await observer.check();
    return {
      externalSecrets: opts.externalSecrets,
      keys: opts.keys,
      outageSeconds: opts.outageSeconds,
      secretsLost: observer.lost.size,
      secretsChanged: observer.changed.size,
      reportedNotReady: observer.notReady.size,
      requestsDuringOutage,
      budgetBound: 3 * Math.ceil(opts.storeRequestsBurst + opts.storeRequestsPerSecond * opts.outageSeconds),
      recoverySeconds,
      readsDuringRecovery,
    };
  } finally {
    await op?.stop();
    await proxy.close();
    m.close();
  }
}
