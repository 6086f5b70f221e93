// The GeneratorState controller on fakes: deadline -> delete; deletion -> cleanup, then the finalizer goes; only
// signed states are cleaned up; transient cleanup failures are retried for an hour, others released with a Warning;
// a state whose ExternalSecret is gone is retired.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { GENERATOR_STATE_FINALIZER, INSTALLATION_ANNOTATION, SIGNATURE_ANNOTATION, type GeneratorState } from "../../../src/api/generator-state.ts";
import { silentLogger } from "../../../src/controller/logging.ts";
import type { GeneratorStateApi } from "../../../src/kube/generator-states.ts";
import { sign, type StateKey } from "../../../src/generators/state/signature.ts";
import { CLEANUP_GIVE_UP_MS, generatorStateReconciler } from "../../../src/reconcilers/generator-state/reconciler.ts";
import { ConfigError, ProviderUnavailableError } from "../../../src/provider/errors.ts";

const key = randomBytes(32);
const NOW = Date.parse("2026-12-04T12:00:00Z");

function stateWith(changes: { deadline?: string; deleting?: string; signedWith?: Buffer | "none"; finalizers?: string[] } = {}): GeneratorState {
  const s: GeneratorState = {
    apiVersion: "generators.external-secrets.io/v1alpha1",
    kind: "GeneratorState",
    metadata: {
      name: "gs-1",
      namespace: "team-a",
      uid: "s-1",
      finalizers: changes.finalizers ?? [GENERATOR_STATE_FINALIZER],
      ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "app", uid: "u-1" }],
      ...(changes.deleting ? { deletionTimestamp: changes.deleting } : {}),
    },
    spec: { resource: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", metadata: { name: "t", namespace: "team-a" }, spec: {} }, state: { accessor: "acc" }, ...(changes.deadline ? { garbageCollectionDeadline: changes.deadline } : {}) },
  };
  if (changes.signedWith !== "none") s.metadata.annotations = { [SIGNATURE_ANNOTATION]: sign(changes.signedWith ?? key, s) };
  return s;
}

function harness(state: GeneratorState, opts: { cleanup?: () => Promise<"cleaned" | "nothing">; ownerExists?: boolean; now?: number } = {}) {
  const calls: string[] = [];
  const warnings: string[] = [];
  const api = {
    flag: async (_ns: string, name: string, deadline: string) => void calls.push(`flag ${name} ${deadline}`),
    delete: async (s: GeneratorState) => void calls.push(`delete ${s.metadata.name}`),
    release: async (s: GeneratorState) => void calls.push(`release ${s.metadata.name}`),
  } as unknown as GeneratorStateApi;
  const reconcile = generatorStateReconciler({
    api,
    key: { get: async () => key, installation: "sb-system/secrets-bridge-generator-state-key" } as StateKey,
    cached: () => state,
    cleanup: async (_r, s) => {
      calls.push(`cleanup ${s["accessor"]}`);
      return (opts.cleanup ?? (async () => "cleaned" as const))();
    },
    ownerExists: async () => opts.ownerExists ?? true,
    gracePeriodMs: 120_000,
    events: { normal: async () => undefined, warning: async (_t, reason, message) => void warnings.push(`${reason}: ${message}`) },
    clock: { now: () => opts.now ?? NOW, setTimeout: () => 0, clearTimeout: () => undefined },
    log: silentLogger(),
  });
  return { calls, warnings, run: () => reconcile("team-a/gs-1") };
}

describe("GeneratorState controller", () => {
  test("no deadline, owner alive: nothing to do", async () => {
    const h = harness(stateWith());
    assert.equal(await h.run(), undefined);
    assert.deepEqual(h.calls, []);
  });

  test("a deadline ahead: requeued for it; passed: deleted", async () => {
    const ahead = harness(stateWith({ deadline: "2026-12-04T12:01:00Z" }));
    assert.deepEqual(await ahead.run(), { requeueAfterMs: 60_000 });
    assert.deepEqual(ahead.calls, []);
    const passed = harness(stateWith({ deadline: "2026-12-04T11:59:00Z" }));
    await passed.run();
    assert.deepEqual(passed.calls, ["delete gs-1"]);
  });

  test("its ExternalSecret gone (or a deadline that is no time): retired with now + grace", async () => {
    const orphan = harness(stateWith(), { ownerExists: false });
    assert.deepEqual(await orphan.run(), { requeueAfterMs: 120_000 });
    assert.deepEqual(orphan.calls, ["flag gs-1 2026-12-04T12:02:00Z"]);
    const garbage = harness(stateWith({ deadline: "soon" }));
    await garbage.run();
    assert.deepEqual(garbage.calls, ["flag gs-1 2026-12-04T12:02:00Z"]);
  });

  test("deleted and signed: cleaned up, then released", async () => {
    const h = harness(stateWith({ deleting: "2026-12-04T11:59:00Z" }));
    await h.run();
    assert.deepEqual(h.calls, ["cleanup acc", "release gs-1"]);
    assert.deepEqual(h.warnings, []);
  });

  test("deleted but unsigned or edited: released without cleanup, one Warning", async () => {
    const unsigned = harness(stateWith({ deleting: "2026-12-04T11:59:00Z", signedWith: "none" }));
    await unsigned.run();
    const edited = stateWith({ deleting: "2026-12-04T11:59:00Z" });
    edited.spec.state = { accessor: "victim" };
    const tampered = harness(edited);
    await tampered.run();
    for (const h of [unsigned, tampered]) {
      assert.deepEqual(h.calls, ["release gs-1"]);
      assert.equal(h.warnings.length, 1);
      assert.match(h.warnings[0]!, /^NotCleanedUp: /);
    }
  });

  test("another installation's state is left alone, finalizer and all; ours signed with a lost key is released with a Warning", async () => {
    const other = stateWith({ deleting: "2026-12-04T11:59:00Z", signedWith: randomBytes(32) });
    other.metadata.annotations![INSTALLATION_ANNOTATION] = "elsewhere/secrets-bridge-generator-state-key";
    const h = harness(other);
    await h.run();
    assert.deepEqual(h.calls, []);
    const lost = stateWith({ deleting: "2026-12-04T11:59:00Z", signedWith: randomBytes(32) });
    lost.metadata.annotations![INSTALLATION_ANNOTATION] = "sb-system/secrets-bridge-generator-state-key";
    const ours = harness(lost);
    await ours.run();
    assert.deepEqual(ours.calls, ["release gs-1"]);
    assert.match(ours.warnings[0]!, /^NotCleanedUp: .*key this operator no longer has/);
  });

  test("a state without our finalizer is not cleaned up again", async () => {
    const h = harness(stateWith({ deleting: "2026-12-04T11:59:00Z", finalizers: ["someone.else/finalizer"] }));
    await h.run();
    assert.deepEqual(h.calls, []);
  });

  test("a transient cleanup failure is retried within the hour, then released with a Warning", async () => {
    const unavailable = async (): Promise<"cleaned"> => {
      throw new ProviderUnavailableError("vault write auth/token/revoke-accessor: HTTP 503");
    };
    const early = harness(stateWith({ deleting: "2026-12-04T11:59:00Z" }), { cleanup: unavailable });
    await assert.rejects(early.run(), /cleanup failed: .*503/);
    assert.deepEqual(early.calls, ["cleanup acc"]);
    const late = harness(stateWith({ deleting: "2026-12-04T10:00:00Z" }), { cleanup: unavailable, now: Date.parse("2026-12-04T10:00:00Z") + CLEANUP_GIVE_UP_MS + 1 });
    await late.run();
    assert.deepEqual(late.calls, ["cleanup acc", "release gs-1"]);
    assert.match(late.warnings[0]!, /^CleanupFailed: cleanup failed: .*503.*left to expire/);
  });

  test("a cleanup that cannot succeed (credentials gone) is released at once with a Warning", async () => {
    const h = harness(stateWith({ deleting: "2026-12-04T11:59:00Z" }), {
      cleanup: async () => {
        throw new ConfigError("Secret vault-token not found");
      },
    });
    await h.run();
    assert.deepEqual(h.calls, ["cleanup acc", "release gs-1"]);
    assert.match(h.warnings[0]!, /^CleanupFailed: .*vault-token not found/);
  });
});
