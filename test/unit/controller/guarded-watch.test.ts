// GuardedWatch: the guards around client-node's Watch/ListWatch (bookmarks, activity, throw->done, no watch after retirement).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import { GuardedWatch, makeGuardedInformer } from "../../../src/controller/guarded-watch.ts";
import { TEST_TIMEOUT_MS, deferred, settle } from "./helpers.ts";

let server: Server;
let kc: KubeConfig;
const requests: URL[] = [];
const open: ServerResponse[] = [];

// Just enough HTTP to see what client-node asks for: every request is a watch that sends one BOOKMARK and stays open.
before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(new URL(req.url ?? "/", "http://localhost"));
    res.writeHead(200, { "content-type": "application/json" });
    res.write(`${JSON.stringify({ type: "BOOKMARK", object: { kind: "Thing", metadata: { resourceVersion: "42" } } })}\n`);
    open.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "local", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "anon" }],
    contexts: [{ name: "local", cluster: "local", user: "anon" }],
    currentContext: "local",
  });
});

after(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("asks for bookmarks and reports the accepted watch and every event (bookmarks included) as activity", { timeout: TEST_TIMEOUT_MS }, async () => {
  requests.length = 0;
  let activity = 0;
  const phases: string[] = [];
  const w = new GuardedWatch(kc, { onActivity: () => activity++, isActive: () => true });
  const done = deferred<unknown>();
  const controller = await w.watch("/api/v1/things", { resourceVersion: "7" }, (phase) => phases.push(phase), done.resolve);
  for (let i = 0; i < 50 && phases.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(requests[0]?.searchParams.get("allowWatchBookmarks"), "true");
  assert.equal(requests[0]?.searchParams.get("resourceVersion"), "7");
  assert.deepEqual(phases, ["BOOKMARK"]);
  assert.equal(activity, 2, "one for the accepted watch, one for the bookmark");
  controller.abort();
  await done.promise;
});

test("an inactive (retired) watch opens no request and never calls done", { timeout: TEST_TIMEOUT_MS }, async () => {
  requests.length = 0;
  let doneCalls = 0;
  const w = new GuardedWatch(kc, { onActivity: () => assert.fail("no activity expected"), isActive: () => false });
  const controller = await w.watch("/api/v1/things", {}, () => {}, () => doneCalls++);
  await new Promise((r) => setTimeout(r, 30));
  assert.ok(controller instanceof AbortController);
  assert.equal(requests.length, 0);
  assert.equal(doneCalls, 0);
});

test("a throwing Watch.watch (no current cluster) becomes done(err) instead of a rejection", { timeout: TEST_TIMEOUT_MS }, async () => {
  const w = new GuardedWatch(new KubeConfig(), { onActivity: () => {}, isActive: () => true });
  const errors: unknown[] = [];
  const controller = await w.watch("/api/v1/things", {}, () => {}, (err) => errors.push(err));
  assert.ok(controller instanceof AbortController);
  assert.equal(errors.length, 1);
  assert.match(String((errors[0] as Error).message), /No currently active cluster/);
});

test("a ListWatch stopped while its list is in flight does not open a watch afterwards", { timeout: TEST_TIMEOUT_MS }, async () => {
  requests.length = 0;
  let active = true;
  const list = deferred<KubernetesListObject<KubernetesObject>>();
  const informer = makeGuardedInformer<KubernetesObject>({
    kc,
    path: "/api/v1/things",
    list: () => list.promise,
    hooks: { onActivity: () => {}, isActive: () => active },
  });
  const started = informer.start();
  await settle();
  await informer.stop();
  active = false; // what ResilientInformer does when it retires a run
  list.resolve({ metadata: { resourceVersion: "5" }, items: [] });
  await started;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(requests.length, 0, "upstream ListWatch would have opened a watch here");
});
