// ResilientInformer with a stubbed upstream informer: first-list retries, restart on error, stale-watch restarts, relist diffs, stop.
import assert from "node:assert/strict";
import { test } from "node:test";
import { KubeConfig } from "../../../src/kube/http/index.ts";
import type { Informer, KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import { ExponentialBackoff } from "../../../src/controller/backoff.ts";
import { FakeClock } from "../../../src/controller/clock.ts";
import type { InformerFactoryArgs } from "../../../src/controller/guarded-watch.ts";
import { ResilientInformer } from "../../../src/controller/informer.ts";
import { TEST_TIMEOUT_MS, deferred, settle } from "./helpers.ts";

type Obj = KubernetesObject;
type Cb = (arg?: any) => void; // the upstream Informer callbacks are typed with any

/** Mimics client-node's ListWatch as far as ResilientInformer can see it. */
class StubUpstream implements Informer<Obj> {
  readonly args: InformerFactoryArgs<Obj>;
  readonly handlers = new Map<string, Cb[]>();
  stopped = false;
  constructor(args: InformerFactoryArgs<Obj>) {
    this.args = args;
  }
  on(verb: string, cb: Cb): void {
    this.handlers.set(verb, [...(this.handlers.get(verb) ?? []), cb]);
  }
  off(): void {}
  emit(verb: string, arg?: unknown): void {
    for (const cb of this.handlers.get(verb) ?? []) cb(arg);
  }
  // ListWatch.start: connect, list (errors become an 'error' event), replay the items as adds, open the watch.
  async start(): Promise<void> {
    this.emit("connect");
    await this.relist();
  }
  async relist(): Promise<void> {
    let list: KubernetesListObject<Obj>;
    try {
      list = await this.args.list();
    } catch (err) {
      this.emit("error", err);
      return;
    }
    for (const item of list.items) this.emit("add", item);
    this.args.hooks.onActivity();
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

const o = (name: string, rv = "1"): Obj => ({ metadata: { namespace: "ns", name, resourceVersion: rv } });

function setup(opts: { lists: Array<Obj[] | Error | Promise<Obj[]>>; staleAfterMs?: number; resetBackoffAfterMs?: number; transform?: (obj: Obj) => void }) {
  const clock = new FakeClock(0);
  const upstreams: StubUpstream[] = [];
  const events: string[] = [];
  let listCalls = 0;
  const informer = new ResilientInformer<Obj>({
    name: "things",
    kc: new KubeConfig(),
    path: "/api/v1/things",
    clock,
    backoff: new ExponentialBackoff({ baseMs: 100, maxMs: 1000 }),
    staleAfterMs: opts.staleAfterMs ?? 10_000,
    resetBackoffAfterMs: opts.resetBackoffAfterMs,
    transform: opts.transform,
    list: async () => {
      const next = opts.lists[Math.min(listCalls++, opts.lists.length - 1)];
      const items = await next;
      if (items instanceof Error) throw items;
      return { items: items ?? [] };
    },
    makeInformer: (args) => {
      const u = new StubUpstream(args);
      upstreams.push(u);
      return u;
    },
  });
  informer.onAdd((x) => events.push(`add ${x.metadata?.name}@${x.metadata?.resourceVersion}`));
  informer.onUpdate((x, old) => events.push(`update ${x.metadata?.name}@${old?.metadata?.resourceVersion}->${x.metadata?.resourceVersion}`));
  informer.onDelete((x) => events.push(`delete ${x.metadata?.name}`));
  informer.onRestart(() => events.push("restart"));
  return { clock, informer, upstreams, events };
}

/** Advances in small steps so async restarts complete between timer firings. */
async function run(clock: FakeClock, ms: number, step = 5): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await settle(1);
  }
}

test("start() retries a failing first list with backoff and resolves once a list succeeds", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { clock, informer, upstreams, events } = setup({ lists: [new Error("503"), new Error("503"), [o("a"), o("b")]] });
  let started = false;
  void informer.start().then(() => (started = true));
  await settle();
  assert.equal(started, false);
  assert.equal(informer.hasSynced(), false);
  await run(clock, 99);
  assert.equal(upstreams.length, 1, "no retry before the 100ms backoff");
  await run(clock, 21);
  assert.equal(upstreams.length, 2, "retried within 100..120ms (20% jitter)");
  await run(clock, 240);
  assert.equal(upstreams.length, 3, "second retry after 200..240ms");
  assert.equal(started, true);
  assert.equal(informer.hasSynced(), true);
  assert.deepEqual(events, ["add a@1", "add b@1"], "no restart event before the first sync");
  assert.equal(informer.restarts(), 2);
  assert.ok(upstreams[0]?.stopped && upstreams[1]?.stopped, "failed upstreams are stopped");
  await informer.stop();
});

test("an error after sync restarts the upstream, and the relist surfaces what changed while disconnected", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { clock, informer, upstreams, events } = setup({
    lists: [[o("keep"), o("change"), o("gone")], [o("keep"), o("change", "2"), o("new")]],
  });
  await informer.start();
  events.length = 0;
  upstreams[0]?.emit("error", Object.assign(new Error("Forbidden"), { statusCode: 403 }));
  assert.equal(upstreams[0]?.stopped, true);
  await run(clock, 120);
  assert.equal(upstreams.length, 2);
  assert.deepEqual(events, ["delete gone", "add new@1", "update change@1->2", "restart"], "deltas first, then onRestart; 'keep' is silent");
  assert.deepEqual(informer.list("ns").map((x) => x.metadata?.name).sort(), ["change", "keep", "new"]);
  assert.equal(informer.get("change", "ns")?.metadata?.resourceVersion, "2");
  assert.equal(informer.restarts(), 1);
  events.length = 0;
  upstreams[0]?.emit("add", o("zombie"));
  upstreams[0]?.emit("error", new Error("late"));
  await run(clock, 2000);
  assert.deepEqual(events, [], "a retired upstream can neither emit events nor trigger restarts");
  assert.equal(upstreams.length, 2);
  await informer.stop();
});

test("watch events flow through with the old object on update; duplicates are silent", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { informer, upstreams, events } = setup({ lists: [[o("a")]] });
  await informer.start();
  events.length = 0;
  const u = upstreams[0]!;
  u.emit("update", o("a", "2"));
  u.emit("update", o("a", "2"));
  u.emit("add", o("b"));
  u.emit("delete", o("a", "3"));
  u.emit("delete", o("a", "3"));
  assert.deepEqual(events, ["update a@1->2", "add b@1", "delete a"]);
  await informer.stop();
});

test("a relist inside the same run (410 Gone) emits deletes but no restart event", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { informer, upstreams, events } = setup({ lists: [[o("a"), o("b")], [o("b")]] });
  await informer.start();
  events.length = 0;
  await upstreams[0]?.relist();
  assert.deepEqual(events, ["delete a"]);
  assert.equal(informer.restarts(), 0);
  await informer.stop();
});

test("a silent watch is restarted after staleAfterMs without backoff; activity postpones it", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { clock, informer, upstreams, events } = setup({ lists: [[o("a")]], staleAfterMs: 1000 });
  await informer.start();
  await run(clock, 600);
  upstreams[0]?.args.hooks.onActivity(); // e.g. a BOOKMARK
  await run(clock, 600);
  upstreams[0]?.emit("update", o("a", "2"));
  await run(clock, 999);
  assert.equal(upstreams.length, 1, "activity kept it alive");
  await run(clock, 5);
  assert.equal(upstreams.length, 2, "restarted 1000ms after the last activity");
  assert.equal(upstreams[0]?.stopped, true);
  assert.equal(events.at(-1), "restart");
  assert.equal(informer.restarts(), 1);
  await informer.stop();
});

test("a hung first list is abandoned after staleAfterMs, and its late answer is refused", { timeout: TEST_TIMEOUT_MS }, async () => {
  const late = deferred<Obj[]>();
  const { clock, informer, upstreams, events } = setup({ lists: [late.promise, [o("fresh")]], staleAfterMs: 1000 });
  const started = informer.start();
  await run(clock, 1100);
  await started;
  assert.equal(upstreams.length, 2, "the hung run was replaced");
  late.resolve([o("stale")]);
  await settle();
  assert.deepEqual(events, ["add fresh@1"], "the superseded list is not applied");
  assert.equal(informer.get("stale", "ns"), undefined);
  await informer.stop();
});

test("restart backoff grows with consecutive failures and resets after a healthy run", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { clock, informer, upstreams } = setup({ lists: [[o("a")]], resetBackoffAfterMs: 5000, staleAfterMs: 60_000 });
  await informer.start();
  const gaps: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = upstreams.length;
    upstreams.at(-1)?.emit("error", new Error("boom"));
    const t0 = clock.now();
    while (upstreams.length === before) await run(clock, 1, 1);
    gaps.push(clock.now() - t0);
  }
  const within = (gap: number, base: number): boolean => gap >= base && gap <= base * 1.2 + 1;
  assert.ok(within(gaps[0]!, 100) && within(gaps[1]!, 200) && within(gaps[2]!, 400), `gaps ${gaps.join(",")}`);
  await run(clock, 5000, 100); // healthy for resetBackoffAfterMs
  const before = upstreams.length;
  upstreams.at(-1)?.emit("error", new Error("boom"));
  const t0 = clock.now();
  while (upstreams.length === before) await run(clock, 1, 1);
  assert.ok(within(clock.now() - t0, 100), "backoff back to base");
  await informer.stop();
});

test("stop(): stops the upstream, clears timers, never restarts again; an unsynced start() rejects", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { clock, informer, upstreams } = setup({ lists: [new Error("down")] });
  const started = informer.start();
  await settle();
  await informer.stop();
  await assert.rejects(started, /stopped before its first list/);
  assert.equal(clock.pending(), 0, "no timers left behind");
  await run(clock, 5000, 100);
  assert.equal(upstreams.length, 1);
  assert.equal(upstreams[0]?.stopped, true);
});

test("a throwing handler or factory does not stop the informer", { timeout: TEST_TIMEOUT_MS }, async () => {
  let factoryCalls = 0;
  const clock = new FakeClock(0);
  const upstreams: StubUpstream[] = [];
  const informer = new ResilientInformer<Obj>({
    name: "flaky",
    kc: new KubeConfig(),
    path: "/x",
    clock,
    backoff: new ExponentialBackoff({ baseMs: 10, maxMs: 10 }),
    list: async () => ({ items: [o("a"), o("b")] }),
    makeInformer: (args) => {
      if (factoryCalls++ === 0) throw new Error("No currently active cluster");
      const u = new StubUpstream(args);
      upstreams.push(u);
      return u;
    },
  });
  const seen: string[] = [];
  informer.onAdd((x) => {
    seen.push(x.metadata?.name ?? "");
    if (x.metadata?.name === "a") throw new Error("handler bug");
  });
  const started = informer.start();
  await run(clock, 20);
  await started;
  assert.deepEqual(seen, ["a", "b"]);
  assert.equal(upstreams.length, 1);
  await informer.stop();
});

test("transform trims listed and watched objects before they are cached or handed out", { timeout: TEST_TIMEOUT_MS }, async () => {
  const withFields = (name: string, rv: string): Obj => ({ metadata: { namespace: "ns", name, resourceVersion: rv, managedFields: [{ manager: "kubectl" }] } });
  const seen: Obj[] = [];
  const { informer, upstreams } = setup({ lists: [[withFields("a", "1")]], transform: (obj) => void delete obj.metadata?.managedFields });
  informer.onAdd((obj) => seen.push(obj));
  informer.onUpdate((obj) => seen.push(obj));
  await informer.start();
  upstreams[0]!.emit("update", withFields("a", "2"));
  upstreams[0]!.emit("add", withFields("b", "1"));
  assert.deepEqual(seen.map((obj) => obj.metadata?.name), ["a", "a", "b"]);
  assert.ok(seen.every((obj) => obj.metadata?.managedFields === undefined), "handlers never see managedFields");
  assert.ok(informer.list().every((obj) => obj.metadata?.managedFields === undefined), "the cache holds none");
  await informer.stop();
});
