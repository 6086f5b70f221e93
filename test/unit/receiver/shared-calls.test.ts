// Sharing verified webhook calls across a sharded fleet (issue 21): the record a receiving replica writes stays
// small whatever the call said (long lists widen to "everything", never narrow), delivery ids only as hashes; each
// replica acts once per call and not on calls made before it first saw the receiver; acting is throttled per
// receiver, merging what arrives meanwhile without dropping any call.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../src/controller/clock.ts";
import { CallThrottle } from "../../../src/receiver/call-throttle.ts";
import { MAX_SHARED_ENTRIES, SeenCalls, sharedCall, type CallScope } from "../../../src/receiver/shared-calls.ts";
import { MAX_SHARED_CALLS, RefreshReceiverStatus } from "../../../src/api/refresh-receiver.ts";

const NOW = new Date("2026-12-04T12:00:00.000Z");

describe("sharedCall", () => {
  it("keeps named keys and pushed files, a hash of the delivery, and passes the status schema", () => {
    const call = sharedCall({ keys: ["db/password"], files: ["apps/a.sops.yaml"] }, "team-a/hook\u0000delivery-1", NOW);
    assert.deepEqual(call.keys, ["db/password"]);
    assert.deepEqual(call.files, ["apps/a.sops.yaml"]);
    assert.equal(call.at, NOW.toISOString());
    assert.match(call.delivery!, /^[0-9a-f]{32}$/);
    assert.ok(!call.delivery!.includes("delivery-1"));
    assert.notEqual(sharedCall({}, undefined, NOW).id, call.id);
    assert.equal(RefreshReceiverStatus.safeParse({ calls: [call] }).success, true);
  });

  it("a list too long or an entry too long to share becomes 'everything' (wider, never narrower)", () => {
    const many = Array.from({ length: MAX_SHARED_ENTRIES + 1 }, (_, i) => `file-${i}`);
    const wide = sharedCall({ keys: ["a", "x".repeat(1025)], files: many }, undefined, NOW);
    assert.equal(wide.keys, undefined);
    assert.equal(wide.files, undefined);
    assert.equal(wide.delivery, undefined);
    assert.equal(RefreshReceiverStatus.safeParse({ calls: Array.from({ length: MAX_SHARED_CALLS }, () => wide) }).success, true);
    assert.equal(RefreshReceiverStatus.safeParse({ calls: Array.from({ length: MAX_SHARED_CALLS + 1 }, () => wide) }).success, false);
  });
});

describe("SeenCalls", () => {
  const call = (id: string) => ({ id, at: NOW.toISOString() });

  it("the first sight of a receiver acts on nothing; later, each new call once, oldest first", () => {
    const seen = new SeenCalls();
    assert.deepEqual(seen.unseen("ns/r", [call("a"), call("b")]), []);
    assert.deepEqual(seen.unseen("ns/r", [call("a"), call("b"), call("c"), call("d")]).map((c) => c.id), ["c", "d"]);
    assert.deepEqual(seen.unseen("ns/r", [call("b"), call("c"), call("d")]), []);
    assert.deepEqual(seen.unseen("ns/other", undefined), []);
    assert.deepEqual(seen.unseen("ns/other", [call("e")]).map((c) => c.id), ["e"]);
  });

  it("a receiver forgotten (deleted) starts over", () => {
    const seen = new SeenCalls();
    seen.unseen("ns/r", []);
    seen.forget("ns/r");
    assert.deepEqual(seen.unseen("ns/r", [call("a")]), []);
  });
});

describe("CallThrottle", () => {
  const setup = () => {
    const clock = new FakeClock(0);
    const runs: Array<{ receiver: string; scopes: CallScope[] }> = [];
    const throttle = new CallThrottle({
      clock,
      windowMs: 1000,
      run: async (receiver, scopes) => {
        runs.push({ receiver, scopes });
      },
      onError: () => assert.fail("no run fails here"),
    });
    return { clock, runs, throttle };
  };

  it("acts at once on a first call, then at most once per window per receiver, merging what arrived meanwhile", () => {
    const { clock, runs, throttle } = setup();
    throttle.add("ns/r", [{ keys: ["a"] }]);
    assert.deepEqual(runs.splice(0), [{ receiver: "ns/r", scopes: [{ keys: ["a"] }] }]);
    throttle.add("ns/r", [{ keys: ["b"] }]);
    throttle.add("ns/r", [{ files: ["f.yaml"] }]);
    throttle.add("ns/other", [{ keys: ["c"] }]);
    assert.deepEqual(runs.splice(0), [{ receiver: "ns/other", scopes: [{ keys: ["c"] }] }]);
    clock.advance(999);
    assert.equal(runs.length, 0);
    clock.advance(1);
    assert.deepEqual(runs.splice(0), [{ receiver: "ns/r", scopes: [{ keys: ["b"] }, { files: ["f.yaml"] }] }]);
    clock.advance(5000);
    assert.equal(runs.length, 0);
  });

  it("a flood of calls within one window is one action; a call asking for everything widens the merge", () => {
    const { clock, runs, throttle } = setup();
    throttle.add("ns/r", [{ keys: ["first"] }]);
    runs.splice(0);
    for (let i = 0; i < 10_000; i++) throttle.add("ns/r", [{ keys: [`k${i}`] }]);
    assert.ok(throttle.pending("ns/r").length <= 16, "the merged list stays small");
    clock.advance(1000);
    assert.deepEqual(runs.splice(0), [{ receiver: "ns/r", scopes: [{}] }]);
    throttle.add("ns/r", [{ keys: ["a"] }]);
    throttle.add("ns/r", [{}]);
    clock.advance(1000);
    assert.deepEqual(runs.splice(0), [{ receiver: "ns/r", scopes: [{}] }]);
  });

  it("a forgotten receiver's pending calls are dropped", () => {
    const { clock, runs, throttle } = setup();
    throttle.add("ns/r", [{ keys: ["a"] }]);
    throttle.add("ns/r", [{ keys: ["b"] }]);
    throttle.forget("ns/r");
    clock.advance(5000);
    assert.equal(runs.length, 1);
  });
});
