// Errors of writes (write-errors.ts): an AWS validation message quoting the written value leaves without it, in
// the mapped error's message and in its cause's; other errors pass unchanged.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mapAwsError } from "../../../../providers/aws/errors.ts";
import { guardedWrite, withoutValues } from "../../../../providers/aws/write-errors.ts";
import { awsCall } from "../../../../providers/aws/calls.ts";
import { ConfigError, WriteConflictError } from "../../../../src/provider/errors.ts";

const secret = "s3cr3t-value-0123456789abcdef";
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

describe("guardedWrite", () => {
  it("removes the written value from a ValidationException that quotes it", async () => {
    const sdkError = awsError("ValidationException", `1 validation error detected: Value '${secret}' at 'value' failed to satisfy constraint`);
    await assert.rejects(
      guardedWrite(awsCall, "PutParameter /app/k", [Buffer.from(secret)], () => Promise.reject(sdkError)),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /^PutParameter \/app\/k: ValidationException \(HTTP 400\): 1 validation error detected: Value '\*\*\*' at 'value'/);
        assert.ok(!err.message.includes(secret));
        assert.ok(!(err.cause as Error).message.includes(secret), "the cause is scrubbed too");
        return true;
      },
    );
  });
  it("a JSON document written whole is removed too, and so is a value inside it", () => {
    const text = JSON.stringify({ user: "app", password: secret });
    const err = withoutValues(mapAwsError(awsError("ValidationException", `Value '${text}' too long`), "PutSecretValue k"), [text, secret]) as Error;
    assert.ok(!err.message.includes(secret));
    assert.ok(!err.message.includes(text));
  });
  it("leaves other errors as they are (same object, same class)", () => {
    const conflict = mapAwsError(awsError("ResourceExistsException", "the secret k already exists"), "CreateSecret k");
    assert.ok(conflict instanceof WriteConflictError);
    assert.equal(withoutValues(conflict, [secret]), conflict);
    assert.equal(conflict.message, "CreateSecret k: ResourceExistsException (HTTP 400): the secret k already exists");
  });
  it("returns the result of a write that succeeds", async () => assert.equal(await guardedWrite(awsCall, "x", [secret], async () => 42), 42));
});
