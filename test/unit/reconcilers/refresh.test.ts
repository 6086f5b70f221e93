import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nextSlot, refreshDecision, refreshGroup, storeRefsOf, type RefreshInput } from "../../../src/reconcilers/external-secret/refresh.ts";

const H = 3_600_000;
const base: RefreshInput = {
  policy: "Periodic",
  intervalMs: H,
  currentVersion: "1-abc",
  syncedVersion: "1-abc",
  refreshTimeMs: 0,
  lastSyncOk: true,
  secretCurrent: true,
  lastCheckedMs: 0,
  phaseMs: 0,
  nowMs: 10_000,
};

describe("refreshDecision", () => {
  const table: Array<{ name: string; given: Partial<RefreshInput>; want: { sync: boolean; why: string; requeueAfterMs?: number } }> = [
    { name: "spec or metadata changed", given: { syncedVersion: "1-old" }, want: { sync: true, why: "changed" } },
    { name: "never synced", given: { syncedVersion: undefined }, want: { sync: true, why: "new" } },
    { name: "last sync failed", given: { lastSyncOk: false }, want: { sync: true, why: "not-synced" } },
    { name: "no refreshTime yet", given: { refreshTimeMs: undefined }, want: { sync: true, why: "not-synced" } },
    { name: "secret drifted", given: { secretCurrent: false }, want: { sync: true, why: "secret-drift" } },
    { name: "drift repaired even for CreatedOnce", given: { policy: "CreatedOnce", secretCurrent: false }, want: { sync: true, why: "secret-drift" } },
    { name: "not due yet", given: {}, want: { sync: false, why: "not-due", requeueAfterMs: H - 10_000 } },
    { name: "phase delays the slot", given: { phaseMs: 5000 }, want: { sync: false, why: "not-due", requeueAfterMs: H + 5000 - 10_000 } },
    { name: "due", given: { nowMs: H }, want: { sync: true, why: "due" } },
    { name: "checked at the slot: next slot", given: { nowMs: H + 10, lastCheckedMs: H }, want: { sync: false, why: "not-due", requeueAfterMs: H - 10 } },
    { name: "after a restart a missed slot is not a storm", given: { refreshTimeMs: 0, lastCheckedMs: 2.5 * H, nowMs: 2.5 * H }, want: { sync: false, why: "not-due", requeueAfterMs: 0.5 * H } },
    { name: "CreatedOnce never refreshes", given: { policy: "CreatedOnce", nowMs: 10 * H }, want: { sync: false, why: "once" } },
    { name: "OnChange never refreshes", given: { policy: "OnChange", nowMs: 10 * H }, want: { sync: false, why: "once" } },
    { name: "interval 0 means once", given: { intervalMs: 0, nowMs: 10 * H }, want: { sync: false, why: "once" } },
    { name: "OnChange syncs on a change", given: { policy: "OnChange", syncedVersion: "0-x" }, want: { sync: true, why: "changed" } },
    { name: "a changed store re-syncs before the next slot", given: { storeChanged: true }, want: { sync: true, why: "store-changed" } },
    { name: "a changed store does not wake OnChange", given: { policy: "OnChange", storeChanged: true }, want: { sync: false, why: "once" } },
    { name: "a webhook refresh syncs before the next slot", given: { requested: true }, want: { sync: true, why: "requested" } },
    { name: "a webhook refresh wakes OnChange and sync-once (like force-sync)", given: { policy: "OnChange", intervalMs: 0, requested: true }, want: { sync: true, why: "requested" } },
    { name: "a webhook refresh never wakes CreatedOnce", given: { policy: "CreatedOnce", requested: true }, want: { sync: false, why: "once" } },
    {
      name: "a webhook refresh waits while a deny window is open",
      given: { requested: true, nowMs: Date.UTC(2026, 0, 5, 12), syncWindows: { kind: "deny", windows: [{ schedule: "0 12 * * *", duration: "1h" }] } },
      want: { sync: false, why: "window-closed", requeueAfterMs: H + 1 },
    },
    // Generators (issue 18): every sync makes new values, so only ESO's reasons may sync.
    { name: "generator, CreatedOnce: a spec or force-sync change does not regenerate (ESO)", given: { generates: true, policy: "CreatedOnce", syncedVersion: "1-old" }, want: { sync: false, why: "once" } },
    { name: "generator, CreatedOnce: a failed sync after the first one does not regenerate (ESO)", given: { generates: true, policy: "CreatedOnce", lastSyncOk: false }, want: { sync: false, why: "once" } },
    { name: "generator, CreatedOnce: the first sync generates", given: { generates: true, policy: "CreatedOnce", syncedVersion: undefined, refreshTimeMs: undefined }, want: { sync: true, why: "new" } },
    { name: "generator, CreatedOnce: a missing or altered Secret is regenerated (ESO)", given: { generates: true, policy: "CreatedOnce", secretCurrent: false }, want: { sync: true, why: "secret-drift" } },
    { name: "generator, Periodic with interval 0 (sync once): a force-sync does not regenerate (ESO)", given: { generates: true, intervalMs: 0, syncedVersion: "1-old" }, want: { sync: false, why: "once" } },
    { name: "generator, Periodic: a changed store waits for the slot", given: { generates: true, storeChanged: true }, want: { sync: false, why: "not-due", requeueAfterMs: H - 10_000 } },
    { name: "generator, Periodic: a force-sync regenerates (ESO)", given: { generates: true, syncedVersion: "1-old" }, want: { sync: true, why: "changed" } },
    { name: "generator, Periodic: due regenerates", given: { generates: true, nowMs: H }, want: { sync: true, why: "due" } },
    { name: "generator, Periodic: a webhook refresh does not regenerate (generated values have no source to change)", given: { generates: true, requested: true }, want: { sync: false, why: "not-due", requeueAfterMs: H - 10_000 } },
  ];
  for (const { name, given, want } of table) {
    it(name, () => assert.deepEqual(refreshDecision({ ...base, ...given }), want));
  }
});

describe("refreshGroup", () => {
  const es = (spec: Record<string, unknown>) => ({ spec }) as Parameters<typeof refreshGroup>[0];
  it("is the same for ExternalSecrets whose first read is the same store and key", () => {
    const a = refreshGroup(es({ secretStoreRef: { name: "s" }, data: [{ remoteRef: { key: "db" } }, { remoteRef: { key: "zz" } }] }));
    const b = refreshGroup(es({ secretStoreRef: { name: "s" }, data: [{ remoteRef: { key: "db" } }] }));
    assert.equal(a, b);
  });
  it("differs by store and by key", () => {
    const base = refreshGroup(es({ secretStoreRef: { name: "s" }, data: [{ remoteRef: { key: "db" } }] }));
    assert.notEqual(base, refreshGroup(es({ secretStoreRef: { name: "t" }, data: [{ remoteRef: { key: "db" } }] })));
    assert.notEqual(base, refreshGroup(es({ secretStoreRef: { name: "s" }, data: [{ remoteRef: { key: "other" } }] })));
    assert.notEqual(base, refreshGroup(es({ secretStoreRef: { name: "s", kind: "ClusterSecretStore" }, data: [{ remoteRef: { key: "db" } }] })));
  });
  it("a generator-only ExternalSecret has its own group (generated values are not shared); a mixed one keeps its store's", () => {
    const generates = (name: string, extra: Record<string, unknown> = {}) => refreshGroup({ metadata: { namespace: "a", name }, spec: { dataFrom: [{ sourceRef: { generatorRef: { kind: "Password", name: "pw" } } }], ...extra } } as Parameters<typeof refreshGroup>[0]);
    assert.notEqual(generates("one"), generates("two"));
    const store = refreshGroup(es({ secretStoreRef: { name: "s" }, data: [{ remoteRef: { key: "db" } }] }));
    assert.equal(generates("one", { secretStoreRef: { name: "s" }, data: [{ remoteRef: { key: "db" } }] }), store);
  });
});

describe("storeRefsOf", () => {
  it("lists each store once: secretStoreRef and every entry's sourceRef.storeRef, kind defaulted", () => {
    const es = {
      spec: {
        secretStoreRef: { name: "a" },
        data: [{ remoteRef: { key: "k" } }, { remoteRef: { key: "k" }, sourceRef: { storeRef: { name: "b", kind: "ClusterSecretStore" } } }],
        dataFrom: [{ extract: { key: "x" }, sourceRef: { storeRef: { name: "a", kind: "SecretStore" } } }],
      },
    } as Parameters<typeof storeRefsOf>[0];
    assert.deepEqual(storeRefsOf(es), [
      { name: "a", kind: "SecretStore" },
      { name: "b", kind: "ClusterSecretStore" },
    ]);
  });
});

describe("nextSlot", () => {
  it("is strictly after the given time and on the anchor's grid", () => {
    assert.equal(nextSlot(100, 7, 1000, 0), 1107);
    assert.equal(nextSlot(100, 7, 1000, 1107), 2107);
    assert.equal(nextSlot(100, 7, 1000, 5000), 5107);
  });
});
