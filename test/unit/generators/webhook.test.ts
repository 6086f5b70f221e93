// The Webhook generator's pure parts (issue 18): ESO's reading of an answer (JSON, an optional JSONPath, a string
// of JSON parsed again, an object's members as keys: strings as they are, the rest as JSON), JSONPath evaluation
// refused, and the spec problems refused before any call (NTLM, timeouts out of bounds, an unnamed Secret ref).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { keysFromAnswer, WebhookAnswerError } from "../../../src/generators/webhook/answer.ts";
import { webhook } from "../../../src/generators/webhook/index.ts";
import { GeneratorError } from "../../../src/generators/types.ts";
import { callWebhook } from "../../../src/generators/webhook/call.ts";

const text = (keys: Record<string, Uint8Array>) => Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, Buffer.from(v).toString("utf8")]));
const answer = (value: unknown) => Buffer.from(JSON.stringify(value));

describe("Webhook answers", () => {
  it("an object's members become the keys: strings as they are, numbers, booleans, lists and objects as JSON", () => {
    assert.deepEqual(text(keysFromAnswer(answer({ s: "x", n: 1.5, b: true, l: [1, "a"], o: { k: "v" }, z: null }), undefined)), { s: "x", n: "1.5", b: "true", l: '[1,"a"]', o: '{"k":"v"}', z: "null" });
  });

  it("result.jsonPath picks the part; a string there is parsed as JSON again", () => {
    assert.deepEqual(text(keysFromAnswer(answer({ data: { user: "u" }, other: 1 }), "$.data")), { user: "u" });
    assert.deepEqual(text(keysFromAnswer(answer({ payload: JSON.stringify({ a: "b" }) }), "$.payload")), { a: "b" });
    assert.deepEqual(text(keysFromAnswer(answer({ list: [{ a: "1" }] }), "$.list[0]")), { a: "1" });
  });

  it("refuses what is not an object of keys, and a path that selects nothing, without quoting the answer", () => {
    const secret = "s3cr3t-value-in-answer";
    for (const [body, path, message] of [
      [Buffer.from(`not json ${secret}`), undefined, /the answer is not JSON/],
      [answer([secret]), undefined, /must be a JSON object of keys, not an array/],
      [answer({ v: secret }), "$.v", /the selected string is not JSON/],
      [answer({ v: secret }), "$.missing", /selects nothing/],
      [answer({ v: 1 }), "$.v", /not number/],
    ] as const) {
      assert.throws(() => keysFromAnswer(body, path), (err: Error) => err instanceof WebhookAnswerError && message.test(err.message) && !err.message.includes(secret));
    }
  });

  it("filter and script expressions are refused, never evaluated", () => {
    const marker = `globalThis.__webhookPathRan = true`;
    assert.throws(() => keysFromAnswer(answer({ list: [{ a: 1 }] }), `$.list[?(${marker})]`), WebhookAnswerError);
    assert.throws(() => keysFromAnswer(answer({ list: [{ a: 1 }] }), `$.list[(${marker})]`), WebhookAnswerError);
    assert.equal((globalThis as { __webhookPathRan?: boolean }).__webhookPathRan, undefined);
  });
});

describe("Webhook calls", () => {
  it("a header a template filled with a line break is refused before sending, and the deadline timer cannot fire into a crash", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      const call = callWebhook({ url: new URL("http://127.0.0.1:9/"), method: "GET", headers: { "x-token": "a\r\nInjected: yes" }, body: undefined, ca: undefined, deadlineMs: 20, maxResponseBytes: 1024 });
      await assert.rejects(call, (err: { code?: string }) => err.code === "ERR_INVALID_CHAR");
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.deepEqual(uncaught, []);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });

  it("an answer nested past the stack's depth is refused with a message, never thrown raw", () => {
    const deep = `{"k": ${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    assert.throws(() => keysFromAnswer(Buffer.from(deep), undefined), WebhookAnswerError);
  });
});

describe("Webhook spec problems", () => {
  const spec = (extra: Record<string, unknown> = {}) => webhook.spec.parse({ url: "https://example.test/x", result: {}, ...extra });

  it("refuses NTLM, bad methods, timeouts out of bounds and unnamed Secret refs; accepts a plain spec", () => {
    assert.equal(webhook.problem(spec()), undefined);
    assert.equal(webhook.problem(spec({ timeout: "5m", method: "post" })), undefined);
    assert.match(webhook.problem(spec({ auth: { ntlm: { usernameSecret: { name: "a" }, passwordSecret: { name: "b" } } } }))!, /auth\.ntlm is not supported/);
    assert.match(webhook.problem(spec({ method: "GET /x" }))!, /method must be/);
    assert.match(webhook.problem(spec({ timeout: "6m" }))!, /at most 5m/);
    assert.match(webhook.problem(spec({ timeout: "soon" }))!, /not a duration/);
    assert.match(webhook.problem(spec({ secrets: [{ name: "creds", secretRef: {} }] }))!, /secrets\[0\]\.secretRef\.name is required/);
  });

  it("is not generated offline (render): it needs the cluster and the endpoint", async () => {
    await assert.rejects(webhook.generate(spec()), (err: Error) => err instanceof GeneratorError && /not generated offline/.test(err.message));
  });
});
