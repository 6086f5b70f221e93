// Issue 14's assertion, shared by the data-loss tests: after a fault, the old Secret is exactly the old Secret
// (data byte for byte, and the same resourceVersion, so not even a no-op write happened) and the
// ExternalSecret says why, with ESO's Ready reason and a message tests can match.
import assert from "node:assert/strict";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { kube, ready, sleep, waitFor } from "./operator.ts";

type Kube = ReturnType<typeof kube>;

export interface SecretSnapshot {
  name: string;
  /** The Secret's data exactly as the apiserver holds it (base64 per key). */
  data: Record<string, string>;
  resourceVersion: string;
}

export async function snapshot(k: Kube, namespace: string, name: string): Promise<SecretSnapshot> {
  const secret = await k.secret(namespace, name);
  assert.ok(secret, `Secret ${name} exists before the fault`);
  return { name, data: { ...(secret.data ?? {}) }, resourceVersion: secret.metadata!.resourceVersion! };
}

/** Creates an ExternalSecret refreshing every second, waits for its first good sync, and snapshots its Secret. */
export async function syncedSnapshot(k: Kube, namespace: string, name: string, spec: Record<string, unknown>): Promise<SecretSnapshot> {
  await k.create("ExternalSecret", namespace, name, { refreshInterval: "1s", ...spec });
  await waitForCondition(k, namespace, name, SYNCED);
  return snapshot(k, namespace, name);
}

export async function assertIntact(k: Kube, namespace: string, before: SecretSnapshot): Promise<void> {
  const secret = await k.secret(namespace, before.name);
  assert.ok(secret, `Secret ${before.name} still exists`);
  assert.deepEqual(secret.data ?? {}, before.data, `Secret ${before.name} keeps its data byte for byte`);
  assert.equal(secret.metadata?.resourceVersion, before.resourceVersion, `Secret ${before.name} was not written`);
}

export interface WantCondition {
  status: "True" | "False";
  reason: string;
  /** The whole message, or a pattern for it. */
  message: string | RegExp;
}

const matches = (message: string | undefined, want: string | RegExp) => (typeof want === "string" ? message === want : want.test(message ?? ""));

/** Waits until the ExternalSecret's Ready condition is `want`; returns the object. */
export function waitForCondition(k: Kube, namespace: string, name: string, want: WantCondition, timeoutMs?: number): Promise<ExternalSecret> {
  return waitFor(
    `${name} Ready=${want.status} ${want.reason} "${want.message}"`,
    async () => {
      const es = await k.es(namespace, name);
      const condition = ready(es);
      return condition?.status === want.status && condition.reason === want.reason && matches(condition.message, want.message) ? es : undefined;
    },
    timeoutMs,
  );
}

/**
 * Waits for the condition that reports the fault, asserts the Secret intact, lets a few more refreshes
 * (`refreshMs` each) go by and asserts again: a later sync must not undo what the first one kept.
 */
export async function assertKeptThrough(k: Kube, namespace: string, esName: string, before: SecretSnapshot, want: WantCondition, refreshMs = 1000): Promise<void> {
  await waitForCondition(k, namespace, esName, want);
  await assertIntact(k, namespace, before);
  await sleep(refreshMs * 2.5);
  await assertIntact(k, namespace, before);
  const condition = ready(await k.es(namespace, esName));
  assert.equal(condition?.reason, want.reason, `${esName} still reports ${want.reason}`);
  assert.ok(matches(condition?.message, want.message), `${esName} still says why: ${condition?.message}`);
}

/** ESO's Ready condition after a good sync. */
export const SYNCED: WantCondition = { status: "True", reason: "SecretSynced", message: "secret synced" };
/** ESO's condition for empty data under deletionPolicy Retain (the Secret kept as it is). */
export const RETAINED: WantCondition = { status: "True", reason: "SecretSynced", message: "secret retained due to DeletionPolicy=Retain" };
/** Ours, for empty data under Delete or Merge that the provider did not confirm gone. */
export const retainedUnconfirmed = (policy: "Delete" | "Merge"): WantCondition => ({
  status: "True",
  reason: "SecretSynced",
  message: `secret retained: the provider returned no data but did not report the secret gone (DeletionPolicy=${policy} acts only on a confirmed not-found)`,
});
/** A missing property: an error naming it, the Secret kept. */
export const propertyMissing = (property: string, keyLabel: string): WantCondition => ({
  status: "False",
  reason: "SecretSyncedError",
  message: `could not sync secret: PropertyNotFound: property "${property}" does not exist in ${keyLabel}`,
});
