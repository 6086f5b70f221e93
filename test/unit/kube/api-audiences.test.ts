// Learning the kube-apiserver's audiences: decoding the operator's own JWT, uniting the sources, failing closed.
// kubeAccess refusing a TokenRequest for them is in access.test.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { COMMON_APISERVER_AUDIENCES, discoverAudiences } from "../../../src/kube/api-audiences.ts";
import { jwtAudiences } from "../../../src/kube/own-token.ts";

const jwt = (payload: unknown) => `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.sig`;

describe("jwtAudiences", () => {
  const table = [
    { name: "a list", given: jwt({ aud: ["https://127.0.0.1:26443", "api"] }), want: ["https://127.0.0.1:26443", "api"] },
    { name: "a string", given: jwt({ aud: "https://kubernetes.default.svc" }), want: ["https://kubernetes.default.svc"] },
    { name: "no aud", given: jwt({ sub: "x" }), want: [] },
    { name: "non-strings dropped", given: jwt({ aud: ["a", 1, null] }), want: ["a"] },
    { name: "not a JWT", given: "opaque-token", want: [] },
    { name: "a payload that is not JSON", given: "a.bm90IGpzb24.c", want: [] },
  ];
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(jwtAudiences(given), want));
});

describe("discoverAudiences", () => {
  const common = COMMON_APISERVER_AUDIENCES;
  const table = [
    { name: "the union of what the sources answer, plus the in-cluster names", given: [async () => ["https://issuer/"], async () => ["api-aud"]], want: ["https://issuer", "api-aud", ...common] },
    { name: "a failing source is skipped", given: [async () => Promise.reject(new Error("forbidden")), async () => ["https://issuer"]], want: ["https://issuer", ...common] },
    { name: "nothing learned: undefined (the caller fails closed)", given: [async () => [], async () => Promise.reject(new Error("no file"))], want: undefined },
    { name: "blank answers teach nothing", given: [async () => ["", "/"]], want: undefined },
  ];
  for (const { name, given, want } of table) {
    it(name, async () => {
      const found = await discoverAudiences(given);
      assert.deepEqual(found === undefined ? undefined : [...found].sort(), want?.sort());
    });
  }
});
