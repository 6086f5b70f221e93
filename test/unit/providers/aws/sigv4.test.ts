// SigV4 against the AWS Signature Version 4 test suite's get-vanilla case (the published signature).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { signV4 } from "../../../../providers/aws/sigv4.ts";

describe("signV4", () => {
  const base = {
    method: "GET",
    url: new URL("https://example.amazonaws.com/"),
    headers: {},
    body: "",
    region: "us-east-1",
    service: "service",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    now: new Date("2015-08-30T12:36:00Z"),
  };

  it("get-vanilla", () => {
    const headers = signV4(base);
    assert.equal(headers["x-amz-date"], "20150830T123600Z");
    assert.equal(
      headers.authorization,
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
  });

  it("signs the session token of temporary credentials", () => {
    const headers = signV4({ ...base, credentials: { ...base.credentials, sessionToken: "token" } });
    assert.equal(headers["x-amz-security-token"], "token");
    assert.match(headers.authorization!, /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
  });
});
