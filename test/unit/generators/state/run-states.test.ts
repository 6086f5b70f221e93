// The ExternalSecret side of GeneratorStates, on fakes: a successful sync records what it kept (signed, owned,
// finalized) and retires the states it replaced or that the spec no longer names; a failed sync cleans up at once,
// and records an already-due state only when that cleanup fails.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { GENERATOR_STATE_FINALIZER, INSTALLATION_ANNOTATION, OWNER_KEY_LABEL, type GeneratorState } from "../../../../src/api/generator-state.ts";
import { silentLogger } from "../../../../src/controller/logging.ts";
import type { GeneratorStateApi } from "../../../../src/kube/generator-states.ts";
import { GeneratorStates, INDEX_ANNOTATION, ownerKey } from "../../../../src/generators/state/run-states.ts";
import { verify, type StateKey } from "../../../../src/generators/state/signature.ts";
import type { KeptState } from "../../../../src/generators/resolve.ts";

const key = randomBytes(32);
const owner = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", namespace: "team-a", name: "app", uid: "u-1" };
const kept = (accessor: string): KeptState => ({ resource: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", metadata: { name: "tokens", namespace: "team-a" }, spec: { path: "auth/token/create" } }, state: { accessor } });

function harness(opts: { cleanupFails?: boolean; createFails?: boolean; cacheLags?: boolean } = {}) {
  const store: GeneratorState[] = [];
  const flagged: Array<{ name: string; deadline: string }> = [];
  const cleaned: string[] = [];
  let n = 0;
  const api = {
    async create(state: GeneratorState & { metadata: { generateName: string } }) {
      if (opts.createFails) throw new Error("apiserver down");
      const name = `${state.metadata.generateName}${n++}`;
      store.push({ ...state, metadata: { ...state.metadata, name } });
      return name;
    },
    async flag(_namespace: string, name: string, deadline: string) {
      flagged.push({ name, deadline });
      const found = store.find((s) => s.metadata.name === name)!;
      found.spec.garbageCollectionDeadline = deadline;
    },
  } as unknown as GeneratorStateApi;
  const states = new GeneratorStates({
    api,
    key: { get: async () => key, installation: "sb-system/secrets-bridge-generator-state-key" } as StateKey,
    cached: () => (opts.cacheLags ? [] : store),
    cleanup: async (k) => {
      if (opts.cleanupFails) throw new Error("vault sealed");
      cleaned.push(k.state["accessor"]!);
    },
    gracePeriodMs: 120_000,
    clock: { now: () => Date.parse("2026-12-04T12:00:00Z"), setTimeout: () => 0, clearTimeout: () => undefined },
    log: silentLogger(),
  });
  return { store, flagged, cleaned, states };
}

describe("GeneratorStates for one ExternalSecret", () => {
  test("a sync's kept state becomes a signed, owned, finalized GeneratorState; nothing to retire the first time", async () => {
    const h = harness();
    const run = h.states.begin(owner);
    run.keeper(0)(kept("a1"));
    await run.commit(new Set([0]));
    assert.equal(h.store.length, 1);
    const [state] = h.store;
    assert.deepEqual(state!.spec.state, { accessor: "a1" });
    assert.equal(state!.metadata.labels![OWNER_KEY_LABEL], ownerKey(owner, "0"));
    assert.equal(state!.metadata.annotations![INDEX_ANNOTATION], "0");
    assert.equal(state!.metadata.annotations![INSTALLATION_ANNOTATION], "sb-system/secrets-bridge-generator-state-key");
    assert.deepEqual(state!.metadata.finalizers, [GENERATOR_STATE_FINALIZER]);
    assert.deepEqual(state!.metadata.ownerReferences, [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid }]);
    assert.ok(state!.metadata.name.startsWith("gen-externalsecret-app-"));
    assert.equal(verify(key, state!), "valid");
    assert.deepEqual(h.flagged, []);
  });

  test("the next sync retires the replaced state with now + grace, and keeps the new one", async () => {
    const h = harness();
    for (const accessor of ["a1", "a2"]) {
      const run = h.states.begin(owner);
      run.keeper(0)(kept(accessor));
      await run.commit(new Set([0]));
    }
    assert.deepEqual(h.flagged, [{ name: h.store[0]!.metadata.name, deadline: "2026-12-04T12:02:00Z" }]);
    assert.equal(h.store[1]!.spec.garbageCollectionDeadline, undefined);
  });

  test("one index's run does not retire another index's state; an index no longer a generator is retired", async () => {
    const h = harness();
    const first = h.states.begin(owner);
    first.keeper(0)(kept("a0"));
    first.keeper(1)(kept("b0"));
    await first.commit(new Set([0, 1]));
    const second = h.states.begin(owner);
    second.keeper(1)(kept("b1"));
    await second.commit(new Set([0, 1]));
    assert.deepEqual(h.flagged.map((f) => f.name), [h.store[1]!.metadata.name], "only index 1's old state");
    // The spec dropped dataFrom[0]'s generator: a sync keeping nothing retires its state.
    await h.states.begin(owner).commit(new Set([1]));
    assert.deepEqual(h.flagged.map((f) => f.name), [h.store[1]!.metadata.name, h.store[0]!.metadata.name]);
  });

  test("a state the watch has not delivered yet is retired all the same (two syncs in quick succession)", async () => {
    const h = harness({ cacheLags: true });
    for (const accessor of ["a1", "a2", "a3"]) {
      const run = h.states.begin(owner);
      run.keeper(0)(kept(accessor));
      await run.commit(new Set([0]));
    }
    assert.deepEqual(h.flagged.map((f) => f.name), [h.store[0]!.metadata.name, h.store[1]!.metadata.name], "each older one, once");
  });

  test("another owner's states (same namespace) are never retired", async () => {
    const h = harness();
    const other = { ...owner, name: "other", uid: "u-2" };
    const run = h.states.begin(other);
    run.keeper(0)(kept("x"));
    await run.commit(new Set([0]));
    await h.states.begin(owner).commit(new Set());
    assert.deepEqual(h.flagged, []);
  });

  test("a failed sync cleans up what it made and records nothing", async () => {
    const h = harness();
    const run = h.states.begin(owner);
    run.keeper(0)(kept("a1"));
    await run.rollback();
    assert.deepEqual(h.cleaned, ["a1"]);
    assert.deepEqual(h.store, []);
  });

  test("a failed sync whose cleanup fails records the state as already due, for the controller to retry", async () => {
    const h = harness({ cleanupFails: true });
    const run = h.states.begin(owner);
    run.keeper(0)(kept("a1"));
    await run.rollback();
    assert.equal(h.store.length, 1);
    assert.equal(h.store[0]!.spec.garbageCollectionDeadline, "2026-12-04T12:00:00Z");
    assert.equal(verify(key, h.store[0]!), "valid");
  });

  test("a commit that cannot record does not throw (the Secret already holds the values) and retires nothing of that index", async () => {
    const h = harness({ createFails: true });
    const run = h.states.begin(owner);
    run.keeper(0)(kept("a1"));
    await run.commit(new Set([0]));
    assert.deepEqual(h.flagged, []);
  });
});
