// The upstream informer (src/controller/guarded-watch.ts) against a scripted HTTP server: what it asks for, which
// events it passes on, when it re-watches, relists, fails, and that a retired instance opens nothing.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, test } from "node:test";
import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import { makeGuardedInformer } from "../../../src/controller/guarded-watch.ts";
import type { UpstreamInformer } from "../../../src/controller/guarded-watch.ts";
import { KubeConfig } from "../../../src/kube/http/index.ts";
import { TEST_TIMEOUT_MS, deferred, settle } from "./helpers.ts";

type Script = (res: ServerResponse, url: URL) => void;

let server: Server;
let kc: KubeConfig;
let requests: URL[] = [];
let open: ServerResponse[] = [];
/** What the n-th watch request gets; past the end, the last one again. */
let scripts: Script[] = [];

const line = (type: string, object: object) => `${JSON.stringify({ type, object })}\n`;
const thing = (name: string, resourceVersion: string) => ({ kind: "Thing", metadata: { name, namespace: "n", resourceVersion } });
const hold: Script = (res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.write(line("BOOKMARK", { kind: "Thing", metadata: { resourceVersion: "42" } }));
};

before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push(url);
    open.push(res);
    (scripts[requests.length - 1] ?? scripts.at(-1) ?? hold)(res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  kc = new KubeConfig();
  kc.loadFromString(
    JSON.stringify({
      clusters: [{ name: "local", cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } }],
      users: [{ name: "anon", user: {} }],
      contexts: [{ name: "local", context: { cluster: "local", user: "anon" } }],
      "current-context": "local",
    }),
  );
});

beforeEach(() => {
  for (const res of open) res.destroy();
  requests = [];
  open = [];
  scripts = [];
});

after(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Seen {
  events: string[];
  errors: unknown[];
  activity: number;
  lists: number;
}

function informer(listVersions: string[], active: () => boolean = () => true, watchIdleMs?: number): { upstream: UpstreamInformer<KubernetesObject>; seen: Seen } {
  const seen: Seen = { events: [], errors: [], activity: 0, lists: 0 };
  const upstream = makeGuardedInformer<KubernetesObject>({
    kc,
    path: "/api/v1/things",
    list: async () => ({ metadata: { resourceVersion: listVersions[seen.lists++] ?? listVersions.at(-1)! }, items: [] }) as KubernetesListObject<KubernetesObject>,
    labelSelector: "a=b",
    hooks: { onActivity: () => seen.activity++, isActive: active },
    ...(watchIdleMs ? { watchIdleMs } : {}),
  });
  for (const verb of ["add", "update", "delete"] as const) upstream.on(verb, (obj) => seen.events.push(`${verb} ${obj.metadata?.name}`));
  upstream.on("error", (err) => seen.errors.push(err));
  return { upstream, seen };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

test("watches from the list's version with bookmarks and the selector; passes events on and reports activity", { timeout: TEST_TIMEOUT_MS }, async () => {
  scripts = [
    (res) => {
      res.writeHead(200);
      res.write(line("ADDED", thing("a", "11")) + line("MODIFIED", thing("a", "12")) + line("BOOKMARK", { metadata: { resourceVersion: "13" } }));
      res.write(line("DELETED", thing("a", "14")));
    },
  ];
  const { upstream, seen } = informer(["7"]);
  await upstream.start();
  await until("four events", () => seen.events.length === 3 && seen.activity >= 5);
  const url = requests[0]!;
  assert.equal(url.searchParams.get("watch"), "true");
  assert.equal(url.searchParams.get("resourceVersion"), "7");
  assert.equal(url.searchParams.get("allowWatchBookmarks"), "true");
  assert.equal(url.searchParams.get("labelSelector"), "a=b");
  assert.ok(Number(url.searchParams.get("timeoutSeconds")) >= 300);
  assert.deepEqual(seen.events, ["add a", "update a", "delete a"]);
  assert.equal(seen.activity, 5, "the accepted watch and four events (the bookmark included)");
  assert.equal(seen.lists, 1);
  await upstream.stop();
});

test("a watch the server ends is opened again from the last version seen, without a relist", { timeout: TEST_TIMEOUT_MS }, async () => {
  scripts = [
    (res) => {
      res.writeHead(200);
      res.end(line("ADDED", thing("a", "21")) + line("BOOKMARK", { metadata: { resourceVersion: "25" } }));
    },
    hold,
  ];
  const { upstream, seen } = informer(["20"]);
  await upstream.start();
  await until("a second watch", () => requests.length === 2);
  assert.equal(requests[1]!.searchParams.get("resourceVersion"), "25");
  assert.equal(seen.lists, 1);
  assert.deepEqual(seen.errors, []);
  await upstream.stop();
});

test("a quiet watch (no byte for the idle time) is opened again at once; one the server ends empty backs off", { timeout: TEST_TIMEOUT_MS }, async () => {
  scripts = [(res) => res.writeHead(200).flushHeaders()];
  const quiet = informer(["90"], () => true, 100);
  await quiet.upstream.start();
  await new Promise((r) => setTimeout(r, 550));
  await quiet.upstream.stop();
  assert.ok(requests.length >= 4, `${requests.length} watches in 550 ms with a 100 ms idle time`);
  assert.ok(requests.every((url) => url.searchParams.get("resourceVersion") === "90"));
  assert.equal(quiet.seen.lists, 1);

  requests = [];
  scripts = [(res) => res.writeHead(200).end()];
  const refusing = informer(["91"], () => true, 100);
  await refusing.upstream.start();
  await new Promise((r) => setTimeout(r, 550));
  await refusing.upstream.stop();
  assert.equal(requests.length, 1, "after an empty end the next watch waits (1 s, doubling to 30 s)");
});

test("410 Gone, as an ERROR event or as the answer to the watch, relists and watches from the new version", { timeout: TEST_TIMEOUT_MS }, async () => {
  scripts = [
    (res) => {
      res.writeHead(200);
      res.write(line("ERROR", { kind: "Status", code: 410, reason: "Expired" }));
    },
    (res) => {
      res.writeHead(410, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", code: 410 }));
    },
    hold,
  ];
  const { upstream, seen } = informer(["30", "40", "50"]);
  await upstream.start();
  await until("a third watch", () => requests.length === 3);
  assert.deepEqual(requests.map((url) => url.searchParams.get("resourceVersion")), ["30", "40", "50"]);
  assert.equal(seen.lists, 3);
  assert.deepEqual(seen.errors, []);
  await upstream.stop();
});

test("any other failure is reported once as 'error' and nothing more is opened", { timeout: TEST_TIMEOUT_MS }, async () => {
  scripts = [
    (res) => {
      res.writeHead(200);
      res.write(line("ERROR", { kind: "Status", code: 500, message: "etcd down" }));
    },
  ];
  const { upstream, seen } = informer(["60"]);
  await upstream.start();
  await until("an error", () => seen.errors.length === 1);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(seen.errors.length, 1);
  assert.equal(requests.length, 1);

  scripts = [
    (res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", code: 403 }));
    },
  ];
  requests = [];
  const refused = informer(["61"]);
  await refused.upstream.start();
  await until("an error", () => refused.seen.errors.length === 1);
  assert.equal((refused.seen.errors[0] as { code?: number }).code, 403);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(requests.length, 1);
});

test("a line that is not JSON fails the watch instead of throwing out of the stream", { timeout: TEST_TIMEOUT_MS }, async () => {
  scripts = [
    (res) => {
      res.writeHead(200);
      res.write('{"data":{"k":"cGxhbnRlZC12YWx1ZQ=="} not json\n');
    },
  ];
  const { upstream, seen } = informer(["70"]);
  await upstream.start();
  await until("an error", () => seen.errors.length === 1);
  assert.doesNotMatch(String((seen.errors[0] as Error).message), /cGxhbnRlZC12YWx1ZQ|planted/, "the error never quotes the line");
  await upstream.stop();
});

test("stop() closes the open watch and reports nothing", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { upstream, seen } = informer(["80"]);
  await upstream.start();
  await until("the watch", () => requests.length === 1 && seen.activity >= 2);
  const closed = deferred();
  open[0]!.on("close", () => closed.resolve());
  await upstream.stop();
  await closed.promise;
  await settle();
  assert.deepEqual(seen.errors, []);
  assert.equal(requests.length, 1);
});

test("an instance retired while its list is in flight never opens a watch", { timeout: TEST_TIMEOUT_MS }, async () => {
  let active = true;
  const list = deferred<KubernetesListObject<KubernetesObject>>();
  const upstream = makeGuardedInformer<KubernetesObject>({
    kc,
    path: "/api/v1/things",
    list: () => list.promise,
    hooks: { onActivity: () => assert.fail("no activity expected"), isActive: () => active },
  });
  await upstream.start();
  await settle();
  active = false; // what ResilientInformer does when it retires a run
  list.resolve({ metadata: { resourceVersion: "5" }, items: [] } as KubernetesListObject<KubernetesObject>);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(requests.length, 0);
});
