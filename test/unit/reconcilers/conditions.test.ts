import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readyCondition, statusEqual, withCondition } from "../../../src/reconcilers/external-secret/conditions.ts";

const now = new Date("2026-01-02T03:04:05.678Z");

describe("conditions", () => {
  it("keeps lastTransitionTime while the status stays the same", () => {
    const previous = { type: "Ready", status: "True" as const, reason: "SecretSynced", message: "old", lastTransitionTime: "2020-01-01T00:00:00Z" };
    assert.equal(readyCondition("True", "SecretSynced", "secret synced", previous, now).lastTransitionTime, "2020-01-01T00:00:00Z");
  });
  it("stamps a new lastTransitionTime (RFC 3339, seconds) when the status flips", () => {
    const previous = { type: "Ready", status: "True" as const, lastTransitionTime: "2020-01-01T00:00:00Z" };
    assert.equal(readyCondition("False", "SecretSyncedError", "x", previous, now).lastTransitionTime, "2026-01-02T03:04:05Z");
  });
  it("replaces a condition of the same type and keeps others", () => {
    const out = withCondition([{ type: "Other", status: "True" }, { type: "Ready", status: "False" }], { type: "Ready", status: "True" });
    assert.deepEqual(out, [{ type: "Other", status: "True" }, { type: "Ready", status: "True" }]);
  });
  it("statusEqual ignores key order and undefined fields, and sees real changes", () => {
    assert.ok(statusEqual({ refreshTime: "a", conditions: [] }, { conditions: [], refreshTime: "a", binding: undefined }));
    assert.ok(!statusEqual({ refreshTime: "a" }, { refreshTime: "b" }));
    assert.ok(statusEqual(undefined, {}));
  });
});
