// Issue 23's reduced clock jumps in `npm test` (test/faults/clock-jumps.ts; `npm run faults` runs it at full size):
// two replicas with leader election, their wall clocks jumping an hour forward and two back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runClockJumps } from "../faults/clock-jumps.ts";

test("clock jumps: no takeover of a live leader, one refresh round after a forward jump, refreshes go on after a backward one, no writes", async () => {
  const figures = await runClockJumps({ externalSecrets: 20, keys: 4, intervalSeconds: 4, jumpMinutes: 60 }, (line) => console.log(line));
  console.log(`figures: ${JSON.stringify(figures)}`);
  assert.equal(figures.standbyTookOver, false, "the standby took a live leader's Lease after its clock jumped");
  assert.equal(figures.leaderKept, true);
  // Every ExternalSecret was due at once; their reads are shared, so about one call per key (a grid point may fall
  // inside the window as well: at most two rounds), never one per ExternalSecret.
  assert.ok(figures.callsAfterForwardJump >= figures.keys && figures.callsAfterForwardJump <= 2 * figures.keys, `${figures.callsAfterForwardJump} calls after the forward jump`);
  // Two intervals after the backward jump: refreshes went on (before the fix the next refresh waited out the jump).
  assert.ok(figures.callsAfterBackwardJump >= figures.keys, `${figures.callsAfterBackwardJump} calls after the backward jump`);
  assert.equal(figures.secretWrites, 0);
});
