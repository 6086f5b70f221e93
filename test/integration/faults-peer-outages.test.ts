// Issue 23's reduced outages of the other peers in `npm test` (test/faults/peer-outages.ts; `npm run faults` runs them
// at full size): OpenBao (503s, then a black hole), the GCP Secret Manager emulator and the git server of a SOPS store,
// each behind the fault proxy. No Secret lost or changed, every ExternalSecret reported the outage or kept its
// value, all Ready again once the peer is back, and the requests while it was down stayed bounded (no hot loop).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runPeerOutage, type PeerOutageOptions } from "../faults/peer-outages.ts";

const cases: Array<Pick<PeerOutageOptions, "peer" | "fault">> = [
  { peer: "openbao", fault: "503" },
  { peer: "openbao", fault: "blackhole" },
  { peer: "gcp", fault: "503" },
  { peer: "git", fault: "503" },
];

describe("peer outages through the fault proxy", () => {
  for (const { peer, fault } of cases) {
    it(`${peer}, ${fault}: nothing lost or changed, all Ready again after, bounded requests`, async () => {
      const figures = await runPeerOutage({ peer, fault, externalSecrets: 12, keys: 3, intervalSeconds: 3, outageSeconds: 12 }, (line) => console.log(line));
      console.log(`figures: ${JSON.stringify(figures)}`);
      assert.equal(figures.secretsLost, 0);
      assert.equal(figures.secretsChanged, 0);
      assert.ok(Number.isFinite(figures.recoverySeconds) && figures.recoverySeconds < 120, `recovered in ${figures.recoverySeconds}s`);
      // 12 ExternalSecrets on a 3 s interval for 12 s, shared reads, store budget and backoff: dozens at most, never a loop.
      assert.ok(figures.requestsDuringOutage <= 200, `${figures.requestsDuringOutage} requests during the outage`);
    });
  }
});
