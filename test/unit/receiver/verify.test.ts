// Verification of each receiver type (issue 20): the right signature or token passes and yields the event and
// delivery id; a wrong one, one of another length, a missing header, sha1 and a repeated header are refused.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { equalSecret } from "../../../src/receiver/constant-time.ts";
import { eventDecision, verifyCall, type Headers } from "../../../src/receiver/verify.ts";
import { webhookPath } from "../../../src/receiver/webhook-path.ts";
import type { ReceiverType } from "../../../src/api/refresh-receiver.ts";

const token = Buffer.from("s3cr3t-token-0123456789");
const body = Buffer.from('{"ref":"refs/heads/main"}');
const hmac = (algorithm: string, key: Uint8Array = token, data: Uint8Array = body) => createHmac(algorithm, key).update(data).digest("hex");

describe("verifyCall", () => {
  const table: Array<{ name: string; type: ReceiverType; headers: Headers; want: ReturnType<typeof verifyCall> }> = [
    {
      name: "github: signature, event and delivery",
      type: "github",
      headers: { "x-hub-signature-256": `sha256=${hmac("sha256")}`, "x-github-event": "push", "x-github-delivery": "d-1" },
      want: { ok: true, event: "push", deliveryId: "d-1" },
    },
    { name: "github: upper-case hex is the same signature", type: "github", headers: { "x-hub-signature-256": `sha256=${hmac("sha256").toUpperCase()}` }, want: { ok: true, event: undefined, deliveryId: undefined } },
    { name: "github: signed with another key", type: "github", headers: { "x-hub-signature-256": `sha256=${hmac("sha256", Buffer.from("other-key-0123456789"))}` }, want: { ok: false, why: "bad-signature" } },
    { name: "github: signature of another body", type: "github", headers: { "x-hub-signature-256": `sha256=${hmac("sha256", token, Buffer.from("{}"))}` }, want: { ok: false, why: "bad-signature" } },
    { name: "github: a truncated signature (another length)", type: "github", headers: { "x-hub-signature-256": `sha256=${hmac("sha256").slice(0, 20)}` }, want: { ok: false, why: "bad-signature" } },
    { name: "github: sha512 is not GitHub's header format", type: "github", headers: { "x-hub-signature-256": `sha512=${hmac("sha512")}` }, want: { ok: false, why: "bad-signature" } },
    { name: "github: no signature", type: "github", headers: { "x-github-event": "push" }, want: { ok: false, why: "missing-signature" } },
    { name: "github: the header twice", type: "github", headers: { "x-hub-signature-256": [`sha256=${hmac("sha256")}`, "sha256=00"] }, want: { ok: false, why: "missing-signature" } },
    {
      name: "gitlab: token, event and uuid",
      type: "gitlab",
      headers: { "x-gitlab-token": token.toString(), "x-gitlab-event": "Push Hook", "x-gitlab-event-uuid": "u-1" },
      want: { ok: true, event: "Push Hook", deliveryId: "u-1" },
    },
    { name: "gitlab: wrong token of the same length", type: "gitlab", headers: { "x-gitlab-token": "s3cr3t-token-0123456780" }, want: { ok: false, why: "bad-signature" } },
    { name: "gitlab: a prefix of the token", type: "gitlab", headers: { "x-gitlab-token": "s3cr3t" }, want: { ok: false, why: "bad-signature" } },
    { name: "gitlab: the token plus a suffix", type: "gitlab", headers: { "x-gitlab-token": `${token}x` }, want: { ok: false, why: "bad-signature" } },
    { name: "gitlab: no token", type: "gitlab", headers: {}, want: { ok: false, why: "missing-signature" } },
    { name: "generic: bearer token and delivery id", type: "generic", headers: { authorization: `Bearer ${token}`, "x-delivery-id": "r-1" }, want: { ok: true, deliveryId: "r-1" } },
    { name: "generic: Idempotency-Key as delivery id", type: "generic", headers: { authorization: `bearer ${token}`, "idempotency-key": "k-1" }, want: { ok: true, deliveryId: "k-1" } },
    { name: "generic: wrong bearer token", type: "generic", headers: { authorization: "Bearer s3cr3t-token-0123456780" }, want: { ok: false, why: "bad-signature" } },
    { name: "generic: basic auth is not a bearer token", type: "generic", headers: { authorization: `Basic ${token}` }, want: { ok: false, why: "missing-signature" } },
    { name: "generic: the token in the wrong header", type: "generic", headers: { "x-gitlab-token": token.toString() }, want: { ok: false, why: "missing-signature" } },
    { name: "generic-hmac: sha256", type: "generic-hmac", headers: { "x-signature": `sha256=${hmac("sha256")}` }, want: { ok: true, deliveryId: undefined } },
    { name: "generic-hmac: sha512", type: "generic-hmac", headers: { "x-signature": `sha512=${hmac("sha512")}`, "x-delivery-id": "r-2" }, want: { ok: true, deliveryId: "r-2" } },
    { name: "generic-hmac: sha1 is refused even when right", type: "generic-hmac", headers: { "x-signature": `sha1=${hmac("sha1")}` }, want: { ok: false, why: "bad-signature" } },
    { name: "generic-hmac: no algorithm prefix", type: "generic-hmac", headers: { "x-signature": hmac("sha256") }, want: { ok: false, why: "bad-signature" } },
    { name: "generic-hmac: the bearer token instead of a signature", type: "generic-hmac", headers: { authorization: `Bearer ${token}` }, want: { ok: false, why: "missing-signature" } },
  ];
  for (const { name, type, headers, want } of table) it(name, () => assert.deepEqual(verifyCall(type, token, headers, body), want));
});

describe("equalSecret", () => {
  it("equal, different, different length, absent", () => {
    assert.equal(equalSecret("abc", "abc"), true);
    assert.equal(equalSecret("abd", "abc"), false);
    assert.equal(equalSecret("abcd", "abc"), false);
    assert.equal(equalSecret(undefined, "abc"), false);
    assert.equal(equalSecret(undefined, ""), false, "an absent secret never equals even an empty one");
  });
});

describe("eventDecision", () => {
  const table: Array<{ name: string; type: ReceiverType; event?: string; events?: string[]; want: string }> = [
    { name: "github ping is answered, never refreshes", type: "github", event: "ping", events: ["ping"], want: "ping" },
    { name: "github push, no filter", type: "github", event: "push", want: "refresh" },
    { name: "github push, in the filter", type: "github", event: "push", events: ["push"], want: "refresh" },
    { name: "github issues, not in the filter", type: "github", event: "issues", events: ["push"], want: "ignored" },
    { name: "gitlab event case-insensitive", type: "gitlab", event: "Push Hook", events: ["push hook"], want: "refresh" },
    { name: "gitlab event missing with a filter", type: "gitlab", events: ["Push Hook"], want: "ignored" },
    { name: "generic ignores events", type: "generic", events: ["push"], want: "refresh" },
  ];
  for (const { name, type, event, events, want } of table) it(name, () => assert.equal(eventDecision(type, event, events), want));
});

describe("webhookPath", () => {
  it("is /hook/ + sha256(token + name + namespace), as Flux computes it; another token, another path", () => {
    // printf 'tokennamens' | sha256sum
    assert.equal(webhookPath(Buffer.from("token"), "name", "ns"), "/hook/9f3f1bb97bc2396f3fa58dc72a9c08a57c02e524af1250535429cdb90db6028e");
    assert.notEqual(webhookPath(Buffer.from("token2"), "name", "ns"), webhookPath(Buffer.from("token"), "name", "ns"));
  });
});
