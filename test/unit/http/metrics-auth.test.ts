// /metrics authorization decisions with a scripted reviewer and a fake clock: header parsing, 401/403/200,
// remembered outcomes (and their expiry and bound), joined concurrent reviews, the in-flight cap, and
// apiserver failures (503, not remembered). The real TokenReview/SAR path: test/integration/metrics-auth.test.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AccessReviewer, ReviewedUser } from "../../../src/kube/access-review.ts";
import { silentLogger } from "../../../src/controller/logging.ts";
import { kubernetesMetricsAuth } from "../../../src/metrics-auth.ts";

/** Tokens "reader", "other" (authenticated; only reader may get /metrics), "broken" (the apiserver fails); the rest unknown. */
function scripted() {
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const reviewer: AccessReviewer = {
    async authenticate(token) {
      calls.push(`authn:${token}`);
      if (gate.hold) await new Promise<void>((resolve) => (release = resolve));
      if (token === "broken") throw new Error("apiserver down");
      return token === "reader" || token === "other" ? { username: `system:serviceaccount:ns:${token}` } : undefined;
    },
    async authorize(user: ReviewedUser, path, verb) {
      calls.push(`authz:${user.username}:${verb}:${path}`);
      return user.username.endsWith(":reader");
    },
  };
  return { reviewer, calls, gate, release: () => release?.() };
}

describe("kubernetesMetricsAuth", () => {
  it("decides from the Authorization header", async () => {
    const table: { name: string; header: string | undefined; want: number }[] = [
      { name: "no header", header: undefined, want: 401 },
      { name: "not a bearer token", header: "Basic cmVhZGVyOng=", want: 401 },
      { name: "empty bearer", header: "Bearer ", want: 401 },
      { name: "oversized token", header: `Bearer ${"a".repeat(20_000)}`, want: 401 },
      { name: "unknown token", header: "Bearer nobody", want: 401 },
      { name: "authenticated, not allowed", header: "Bearer other", want: 403 },
      { name: "allowed", header: "Bearer reader", want: 200 },
      { name: "scheme is case-insensitive", header: "bearer reader", want: 200 },
    ];
    const { reviewer } = scripted();
    const auth = kubernetesMetricsAuth(reviewer, { log: silentLogger() });
    for (const { name, header, want } of table) assert.equal(await auth(header), want, name);
  });

  it("reviews a token once per TTL, then again", async () => {
    let now = 0;
    const { reviewer, calls } = scripted();
    const auth = kubernetesMetricsAuth(reviewer, { log: silentLogger(), ttlMs: 60_000, now: () => now });
    for (let i = 0; i < 5; i++) assert.equal(await auth("Bearer reader"), 200);
    assert.equal(await auth("Bearer other"), 403);
    assert.equal(await auth("Bearer other"), 403);
    assert.deepEqual(calls, ["authn:reader", "authz:system:serviceaccount:ns:reader:get:/metrics", "authn:other", "authz:system:serviceaccount:ns:other:get:/metrics"]);
    now += 60_001;
    assert.equal(await auth("Bearer reader"), 200);
    assert.equal(calls.length, 6);
  });

  it("forgets the oldest token beyond maxEntries", async () => {
    const { reviewer, calls } = scripted();
    const auth = kubernetesMetricsAuth(reviewer, { log: silentLogger(), maxEntries: 2 });
    for (const token of ["reader", "x1", "x2"]) await auth(`Bearer ${token}`);
    const before = calls.length;
    await auth("Bearer x2");
    assert.equal(calls.length, before, "x2 remembered");
    await auth("Bearer reader");
    assert.equal(calls.length, before + 2, "reader forgotten: reviewed again");
  });

  it("joins concurrent scrapes with one token and caps distinct reviews in flight", async () => {
    const { reviewer, calls, gate, release } = scripted();
    const auth = kubernetesMetricsAuth(reviewer, { log: silentLogger(), maxInFlight: 1 });
    gate.hold = true;
    const first = auth("Bearer reader");
    const joined = auth("Bearer reader");
    assert.equal(await auth("Bearer other"), 429);
    gate.hold = false;
    release();
    assert.deepEqual(await Promise.all([first, joined]), [200, 200]);
    assert.equal(calls.filter((c) => c === "authn:reader").length, 1);
    assert.equal(await auth("Bearer other"), 403);
  });

  it("answers 503 when the apiserver cannot review, and asks again next time", async () => {
    const { reviewer, calls } = scripted();
    const auth = kubernetesMetricsAuth(reviewer, { log: silentLogger() });
    assert.equal(await auth("Bearer broken"), 503);
    assert.equal(await auth("Bearer broken"), 503);
    assert.deepEqual(calls, ["authn:broken", "authn:broken"]);
  });
});
