import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { eventRecorder, type NormalEventPolicy } from "../../../src/kube/events.ts";
import type { KubeClients } from "../../../src/kube/clients.ts";
import { silentLogger } from "../../../src/controller/logging.ts";

// Unit level: a recording stand-in for the Events API (the real apiserver path is covered by the integration tests).
function recorder(normal: NormalEventPolicy, now: () => number) {
  const written: Array<{ type: string; reason: string }> = [];
  const dropped: string[] = [];
  const clients = { core: { createNamespacedEvent: async ({ body }: { body: { type: string; reason: string } }) => void written.push({ type: body.type, reason: body.reason }) } } as unknown as KubeClients;
  const events = eventRecorder(clients, silentLogger(), { normal, now, onDropped: (reason) => dropped.push(reason) });
  return { events, written, dropped };
}
const target = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "es", namespace: "ns" };

describe("eventRecorder", () => {
  it("writes Normal Events within the budget and drops (and counts) the rest of a burst", async () => {
    let now = 0;
    const { events, written, dropped } = recorder({ mode: "all", perSecond: 2, burst: 3 }, () => now);
    for (let i = 0; i < 5; i++) await events.normal(target, "Created", "secret es created");
    assert.equal(written.length, 3);
    assert.deepEqual(dropped, ["Created", "Created"]);
    now += 1000; // two tokens refill
    for (let i = 0; i < 3; i++) await events.normal(target, "Updated", "secret es updated");
    assert.equal(written.length, 5);
    assert.deepEqual(dropped, ["Created", "Created", "Updated"]);
  });

  it("never drops Warnings, even with the Normal budget spent", async () => {
    const { events, written } = recorder({ mode: "all", perSecond: 1, burst: 1 }, () => 0);
    await events.normal(target, "Created", "x");
    await events.normal(target, "Updated", "x");
    for (let i = 0; i < 4; i++) await events.warning(target, "UpdateFailed", "boom");
    assert.deepEqual(written.map((e) => e.type), ["Normal", "Warning", "Warning", "Warning", "Warning"]);
  });

  it("writes no Normal Events in warnings mode", async () => {
    const { events, written, dropped } = recorder({ mode: "warnings", perSecond: 100, burst: 100 }, () => 0);
    await events.normal(target, "Created", "x");
    await events.warning(target, "UpdateFailed", "boom");
    assert.deepEqual(written, [{ type: "Warning", reason: "UpdateFailed" }]);
    assert.deepEqual(dropped, ["Created"]);
  });
});
