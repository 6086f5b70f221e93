import { test } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import type { ExternalSecret } from "../../../../src/api/external-secret.ts";
import { ANNOTATION_SECRETS_HASH } from "../../../../src/api/markers.ts";
import { FakeClock } from "../../../../src/controller/clock.ts";
import type { EventRecorder, EventTarget } from "../../../../src/kube/events.ts";
import type { V1PodSpec } from "@kubernetes/client-node";
import type { Workload, WorkloadApi, WorkloadKind } from "../../../../src/kube/workloads.ts";
import { RolloutRestarter, type RestartResult } from "../../../../src/reconcilers/rollout-restart/restarter.ts";

type Ref = { kind: WorkloadKind; name: string };
const es = (name: string, refs: Ref[], namespace = "team"): ExternalSecret =>
  ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name, namespace, uid: `uid-${name}` }, spec: { target: { rolloutRestartTargets: refs }, data: [] } }) as unknown as ExternalSecret;

/** In-memory workloads and the patches they received. */
function harness(
  externalSecrets: ExternalSecret[],
  opts: { budget?: { perSecond: number; burst: number }; forbidden?: string; conflicts?: number; reloader?: boolean; listForbidden?: boolean } = {},
) {
  let conflicts = opts.conflicts ?? 0;
  const clock = new FakeClock();
  const annotations = new Map<string, string | undefined>();
  const patches: string[] = [];
  const events: Array<{ type: string; target: EventTarget; reason: string; message: string }> = [];
  const digests = new Map<string, string>();
  const results: RestartResult[] = [];
  const conditions: Array<{ es: string; status: string; message: string | undefined }> = [];
  /** Reloader annotations and pod specs by workload id (`namespace/Kind/name`); the hash annotation lives in `annotations`. */
  const shapes = new Map<string, { annotations?: Record<string, string>; templateAnnotations?: Record<string, string>; podSpec?: V1PodSpec }>();
  /** Managed Secrets' annotations by `namespace/name` (the watch's cache). */
  const secretAnnotations = new Map<string, Record<string, string>>();
  let lists = 0;
  const workloadOf = (id: string): Workload => {
    const [namespace, kind, name] = id.split("/") as [string, WorkloadKind, string];
    const shape = shapes.get(id) ?? {};
    const hash = annotations.get(id);
    return {
      kind,
      namespace,
      name,
      uid: `uid-${name}`,
      annotations: shape.annotations ?? {},
      templateAnnotations: { ...(shape.templateAnnotations ?? {}), ...(hash === undefined ? {} : { [ANNOTATION_SECRETS_HASH]: hash }) },
      podSpec: shape.podSpec,
    };
  };
  const workloads: WorkloadApi = {
    async get(kind, namespace, name) {
      const id = `${namespace}/${kind}/${name}`;
      return annotations.has(id) ? workloadOf(id) : null;
    },
    async list(namespace, keep) {
      lists++;
      if (opts.listForbidden) throw Object.assign(new Error("forbidden"), { code: 403, body: { message: "list is forbidden" } });
      return [...annotations.keys()].filter((id) => namespace === undefined || id.startsWith(`${namespace}/`)).map(workloadOf).filter(keep);
    },
    async annotate(kind, namespace, name, patch) {
      const id = `${namespace}/${kind}/${name}`;
      if (id === opts.forbidden) throw Object.assign(new Error("forbidden"), { code: 403, body: { message: "patch is forbidden" } });
      patches.push(id);
      annotations.set(id, patch.template[ANNOTATION_SECRETS_HASH]);
      const shape = shapes.get(id) ?? {};
      const metadata = { ...(shape.annotations ?? {}) };
      for (const [key, value] of Object.entries(patch.metadata)) {
        if (value === null) delete metadata[key];
        else metadata[key] = value;
      }
      shapes.set(id, { ...shape, annotations: metadata });
    },
  };
  const recorder: EventRecorder = {
    normal: async (target, reason, message) => void events.push({ type: "Normal", target, reason, message }),
    warning: async (target, reason, message) => void events.push({ type: "Warning", target, reason, message }),
  };
  const restarter = new RolloutRestarter({
    clock,
    log: pino({ level: "silent" }),
    events: recorder,
    workloads,
    externalSecrets: (namespace) => externalSecrets.filter((e) => namespace === "" || e.metadata.namespace === namespace),
    secretDigest: (namespace, name) => digests.get(`${namespace}/${name}`),
    debounceMs: 1000,
    ...(opts.reloader
      ? {
          reloader: {
            managedSecrets: (namespace: string) =>
              [...digests.keys()].filter((id) => id.startsWith(`${namespace}/`)).map((id) => ({ name: id.slice(namespace.length + 1), annotations: secretAnnotations.get(id) ?? {} })),
          },
        }
      : {}),
    ...(opts.budget ? { budget: opts.budget } : {}),
    onResult: (_ns, _kind, result) => results.push(result),
    writeConditions: async (es, written) => {
      if (conflicts-- > 0) throw Object.assign(new Error("conflict"), { code: 409, body: { message: "the object has been modified" } });
      const condition = written.find((c) => c.type === "RolloutRestart")!;
      conditions.push({ es: es.metadata.name, status: condition.status, message: condition.message });
      (es as { status?: unknown }).status = { conditions: written };
    },
  });
  // Timers fire synchronously; the patches they start are promises.
  const advance = async (ms: number) => {
    clock.advance(ms);
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return { clock, annotations, shapes, secretAnnotations, lists: () => lists, patches, events, digests, results, conditions, restarter, advance };
}

test("several Secrets of one workload changing within the window restart it once", async () => {
  const a = es("a", [{ kind: "Deployment", name: "web" }]);
  const b = es("b", [{ kind: "Deployment", name: "web" }]);
  const h = harness([a, b]);
  h.annotations.set("team/Deployment/web", undefined);
  h.restarter.dataChanged(a, "a", "a2");
  await h.advance(500);
  h.restarter.dataChanged(b, "b", "b2");
  assert.equal(h.restarter.queued(), 1);
  await h.advance(499);
  assert.deepEqual(h.patches, []);
  await h.advance(1);
  assert.deepEqual(h.patches, ["team/Deployment/web"]);
  assert.equal(h.restarter.queued(), 0);
  assert.deepEqual(h.results, ["restarted"]);
  assert.deepEqual(h.conditions, [], "no condition while restarts work");
  const onEs = h.events.filter((e) => e.target.kind === "ExternalSecret").map((e) => `${e.type} ${e.target.name} ${e.reason}`).sort();
  assert.deepEqual(onEs, ["Normal a RolloutRestarted", "Normal b RolloutRestarted"]);
  const onWorkload = h.events.filter((e) => e.target.kind === "Deployment");
  assert.equal(onWorkload.length, 1);
  assert.match(onWorkload[0]!.message, /secret a, b changed/);
});

test("the same data gives the same hash: a second notification for identical data patches nothing", async () => {
  const a = es("a", [{ kind: "Deployment", name: "web" }]);
  const h = harness([a]);
  h.annotations.set("team/Deployment/web", undefined);
  h.restarter.dataChanged(a, "a", "a2");
  await h.advance(1000);
  h.digests.set("team/a", "a2");
  h.restarter.dataChanged(a, "a", "a2");
  await h.advance(1000);
  assert.deepEqual(h.patches, ["team/Deployment/web"]);
  assert.deepEqual(h.results, ["restarted", "unchanged"]);
  h.restarter.dataChanged(a, "a", "a3");
  await h.advance(1000);
  assert.equal(h.patches.length, 2);
});

test("a missing or unpatchable workload is a Warning Event on the ExternalSecret naming workload and Secret", async () => {
  const a = es("a", [{ kind: "Deployment", name: "gone" }, { kind: "StatefulSet", name: "locked" }]);
  const h = harness([a], { forbidden: "team/StatefulSet/locked" });
  h.annotations.set("team/StatefulSet/locked", undefined);
  h.restarter.dataChanged(a, "a-secret", "x");
  await h.advance(1000);
  assert.deepEqual(h.results.sort(), ["failed", "missing"]);
  const warnings = h.events.filter((e) => e.type === "Warning").map((e) => `${e.target.kind}/${e.target.name}: ${e.message}`).sort();
  assert.deepEqual(warnings, [
    "ExternalSecret/a: Deployment gone not found: not restarted after the data of secret a-secret changed",
    "ExternalSecret/a: StatefulSet locked could not be restarted after the data of secret a-secret changed: HTTP 403: patch is forbidden",
  ]);
  assert.equal(h.conditions.at(-1)?.status, "False");
  assert.match(h.conditions.at(-1)?.message ?? "", /Deployment gone not found.*; StatefulSet locked could not be restarted/);
  // Both workloads fixed: the next change restarts them and the condition turns True.
  h.annotations.set("team/Deployment/gone", undefined);
  h.restarter.dataChanged(a, "a-secret", "y");
  await h.advance(1000);
  assert.equal(h.conditions.at(-1)?.status, "False", "the forbidden one still fails");
  const fixed = harness([a]);
  fixed.annotations.set("team/Deployment/gone", undefined);
  fixed.annotations.set("team/StatefulSet/locked", undefined);
  fixed.restarter.dataChanged(a, "a-secret", "z");
  await fixed.advance(1000);
  assert.deepEqual(fixed.conditions.map((c) => c.status), ["True"], "a False condition before turns True");
});

test("the namespace budget queues restarts beyond it (none dropped); other namespaces have their own", async () => {
  const refs = Array.from({ length: 5 }, (_, i) => ({ kind: "Deployment" as const, name: `w${i}` }));
  const team = es("a", refs);
  const other = es("b", [{ kind: "DaemonSet", name: "agent" }], "other");
  const h = harness([team, other], { budget: { perSecond: 1, burst: 2 } });
  for (const ref of refs) h.annotations.set(`team/Deployment/${ref.name}`, undefined);
  h.annotations.set("other/DaemonSet/agent", undefined);
  h.restarter.dataChanged(team, "a", "a2");
  h.restarter.dataChanged(other, "b", "b2");
  await h.advance(1000);
  assert.equal(h.patches.filter((p) => p.startsWith("team/")).length, 2);
  assert.deepEqual(h.patches.filter((p) => p.startsWith("other/")), ["other/DaemonSet/agent"]);
  assert.equal(h.restarter.queued(), 3);
  await h.advance(1000);
  assert.equal(h.patches.filter((p) => p.startsWith("team/")).length, 3);
  await h.advance(2000);
  assert.equal(h.patches.filter((p) => p.startsWith("team/")).length, 5);
  assert.equal(h.restarter.queued(), 0);
  assert.equal(new Set(h.patches).size, h.patches.length);
});

test("drain (shutdown) restarts what waits for its window now; what the budget holds back is a Warning, not silence", async () => {
  const a = es("a", [{ kind: "Deployment", name: "w0" }, { kind: "Deployment", name: "w1" }]);
  const h = harness([a], { budget: { perSecond: 1, burst: 1 } });
  h.annotations.set("team/Deployment/w0", undefined);
  h.annotations.set("team/Deployment/w1", undefined);
  h.restarter.dataChanged(a, "a", "a2");
  await h.restarter.drain();
  assert.equal(h.patches.length, 1);
  assert.equal(h.restarter.queued(), 0);
  assert.equal(h.clock.pending(), 0);
  const warnings = h.events.filter((e) => e.type === "Warning").map((e) => e.message);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^Deployment w[01] not restarted after the data of secret a changed: the operator stopped while the namespace's restart budget held it back \(the next start makes it if the workload was restarted before\)$/);
  h.restarter.dataChanged(a, "a", "a3");
  await h.advance(5000);
  assert.equal(h.patches.length, 1, "nothing after drain");
});

test("a budget that would hold restarts forever is refused at start-up", () => {
  for (const budget of [{ perSecond: 0, burst: 1 }, { perSecond: 1, burst: 0 }, { perSecond: Number.NaN, burst: 1 }]) {
    assert.throws(() => new RolloutRestarter({ clock: new FakeClock(), log: pino({ level: "silent" }), events: {} as EventRecorder, workloads: {} as WorkloadApi, externalSecrets: () => [], secretDigest: () => undefined, budget }), /rollout restart budget/);
  }
});

test("an ExternalSecret without targets queues nothing and schedules no timer", async () => {
  const plain = es("plain", []);
  const h = harness([plain]);
  h.restarter.dataChanged(plain, "plain", "p2");
  assert.equal(h.restarter.queued(), 0);
  assert.equal(h.clock.pending(), 0);
});

test("a condition write that conflicts (stale copy) is retried, a few times only", async () => {
  const a = es("a", [{ kind: "Deployment", name: "gone" }]);
  const h = harness([a], { conflicts: 2 });
  h.restarter.dataChanged(a, "a", "a2");
  await h.advance(1000);
  assert.equal(h.conditions.length, 0, "first attempt conflicted");
  await h.advance(500);
  await h.advance(500);
  assert.deepEqual(h.conditions.map((c) => c.status), ["False"]);
  const b = es("b", [{ kind: "Deployment", name: "gone" }]);
  const stubborn = harness([b], { conflicts: 100 });
  stubborn.restarter.dataChanged(b, "b", "b2");
  for (let i = 0; i < 20; i++) await stubborn.advance(500);
  assert.equal(stubborn.conditions.length, 0);
  assert.equal(stubborn.clock.pending(), 0, "gave up: no timer left");
});

const envFrom = (secret: string): V1PodSpec => ({ containers: [{ name: "app", envFrom: [{ secretRef: { name: secret } }] }] });

test("Reloader: a changed Secret restarts the workloads whose annotations ask for it, after one list of the namespace", async () => {
  const db = es("db", []);
  const h = harness([db], { reloader: true });
  h.digests.set("team/db", "d1");
  h.digests.set("team/api", "a1");
  h.annotations.set("team/Deployment/auto", undefined);
  h.shapes.set("team/Deployment/auto", { annotations: { "reloader.stakater.com/auto": "true" }, podSpec: envFrom("db") });
  h.annotations.set("team/StatefulSet/named", undefined);
  h.shapes.set("team/StatefulSet/named", { templateAnnotations: { "secret.reloader.stakater.com/reload": "other, d[a-z]" } });
  h.annotations.set("team/DaemonSet/other-secret", undefined);
  h.shapes.set("team/DaemonSet/other-secret", { annotations: { "secret.reloader.stakater.com/auto": "true" }, podSpec: envFrom("api") });
  h.annotations.set("team/Deployment/plain", undefined);
  h.shapes.set("team/Deployment/plain", { podSpec: envFrom("db") });
  h.restarter.dataChanged(db, "db", "d2");
  h.restarter.dataChanged(db, "db", "d3");
  await h.advance(999);
  assert.equal(h.lists(), 0, "the list waits for the debounce window");
  await h.advance(1);
  await h.advance(0);
  assert.equal(h.lists(), 1, "one list for both changes");
  assert.deepEqual(h.patches.sort(), ["team/Deployment/auto", "team/StatefulSet/named"]);
  const restarted = h.events.filter((e) => e.reason === "RolloutRestarted" && e.target.kind === "ExternalSecret").map((e) => e.message).sort();
  assert.deepEqual(restarted, ["Deployment auto restarted: the data of secret db changed", "StatefulSet named restarted: the data of secret db changed"]);
  // The hash covers every managed Secret the workload depends on: the same for both ways of asking.
  assert.equal(h.annotations.get("team/Deployment/auto"), h.annotations.get("team/StatefulSet/named"));
});

test("Reloader: the hash is the same whichever way a workload asks, so both ways together restart it once", async () => {
  const db = es("db", [{ kind: "Deployment", name: "web" }]);
  const h = harness([db], { reloader: true });
  h.digests.set("team/db", "d1");
  h.annotations.set("team/Deployment/web", undefined);
  h.shapes.set("team/Deployment/web", { annotations: { "reloader.stakater.com/auto": "true" }, podSpec: envFrom("db") });
  h.restarter.dataChanged(db, "db", "d2");
  await h.advance(1000);
  await h.advance(0);
  await h.advance(200);
  assert.deepEqual(h.patches, ["team/Deployment/web"]);
  assert.deepEqual(h.results.sort(), ["restarted", "unchanged"]);
  assert.equal(h.events.filter((e) => e.reason === "RolloutRestarted" && e.target.kind === "ExternalSecret").length, 1);
});

test("Reloader: opt-outs are honoured; a list the RBAC refuses is one warning, the sync goes on", async () => {
  const db = es("db", []);
  const h = harness([db], { reloader: true });
  h.digests.set("team/db", "d1");
  h.secretAnnotations.set("team/db", { "reloader.stakater.com/ignore": "true" });
  h.annotations.set("team/Deployment/auto", undefined);
  h.shapes.set("team/Deployment/auto", { annotations: { "reloader.stakater.com/auto": "true" }, podSpec: envFrom("db") });
  h.restarter.dataChanged(db, "db", "d2");
  await h.advance(1000);
  await h.advance(0);
  assert.deepEqual(h.patches, []);
  const refused = harness([db], { reloader: true, listForbidden: true });
  refused.annotations.set("team/Deployment/auto", undefined);
  refused.restarter.dataChanged(db, "db", "d2");
  await refused.advance(1000);
  refused.restarter.dataChanged(db, "db", "d3");
  await refused.advance(1000);
  assert.equal(refused.lists(), 2);
  assert.deepEqual(refused.patches, []);
  assert.equal(refused.restarter.queued(), 0);
});

test("Reloader off: no list, no restart for annotated workloads", async () => {
  const db = es("db", []);
  const h = harness([db]);
  h.annotations.set("team/Deployment/auto", undefined);
  h.shapes.set("team/Deployment/auto", { annotations: { "reloader.stakater.com/auto": "true" }, podSpec: envFrom("db") });
  h.restarter.dataChanged(db, "db", "d2");
  await h.advance(2000);
  assert.equal(h.lists(), 0);
  assert.deepEqual(h.patches, []);
});

test("Reloader: drain looks at the changes still waiting for their list", async () => {
  const db = es("db", []);
  const h = harness([db], { reloader: true });
  h.digests.set("team/db", "d1");
  h.annotations.set("team/Deployment/auto", undefined);
  h.shapes.set("team/Deployment/auto", { annotations: { "reloader.stakater.com/auto": "true" }, podSpec: envFrom("db") });
  h.restarter.dataChanged(db, "db", "d2");
  await h.restarter.drain();
  assert.deepEqual(h.patches, ["team/Deployment/auto"]);
  assert.equal(h.clock.pending(), 0);
});

test("resume: a restart a crashed run owed is made; a Secret the workload was never restarted for restarts nothing", async () => {
  const db = es("db", [{ kind: "Deployment", name: "owed" }, { kind: "Deployment", name: "settled" }]);
  const api = es("api", [{ kind: "Deployment", name: "settled" }]);
  for (const listForbidden of [false, true]) {
    const h = harness([db, api], { listForbidden });
    h.digests.set("team/db", "d2".padEnd(64, "0"));
    h.digests.set("team/api", "a1".padEnd(64, "0"));
    // Restarted for db's d1; db is at d2 now: owed.
    h.annotations.set("team/Deployment/owed", "old-hash");
    h.shapes.set("team/Deployment/owed", { annotations: { "secrets-bridge.dev/restarted-for": `db=${"d1".padEnd(16, "0")}` } });
    // Restarted for api only, which has not changed; db is a new dependency: nothing owed.
    h.annotations.set("team/Deployment/settled", "old-hash");
    h.shapes.set("team/Deployment/settled", { annotations: { "secrets-bridge.dev/restarted-for": `api=${"a1".padEnd(16, "0")}` } });
    // Never restarted: no record, nothing to judge.
    h.annotations.set("team/Deployment/fresh", undefined);
    await h.restarter.resume([]);
    await h.advance(0);
    assert.deepEqual(h.patches, ["team/Deployment/owed"], `list forbidden: ${listForbidden}`);
    assert.equal(h.shapes.get("team/Deployment/owed")?.annotations?.["secrets-bridge.dev/restarted-for"], `db=${"d2".padEnd(16, "0")}`, "the record follows the restart");
    await h.restarter.resume([]);
    await h.advance(0);
    assert.equal(h.patches.length, 1, "a second resume owes nothing");
  }
});
