// The tenant decisions of issue 14, one table each: may a store use the operator's own identity, may an endpoint
// override carry credentials there, may a ServiceAccount token be minted for these audiences.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ambientRefusal, audienceRefusal, audiencesOr, endpointRefusal, isLoopbackHost } from "../../../src/provider/tenant-policy.ts";

describe("ambientRefusal: the operator's own identity", () => {
  const uses = "empty auth uses the operator's AWS default credential chain";
  const table = [
    { name: "a SecretStore naming its credentials", given: { kind: "SecretStore", uses: undefined, flag: false }, refused: false },
    { name: "a SecretStore using the operator's identity", given: { kind: "SecretStore", uses, flag: false }, refused: true },
    { name: "a SecretStore using it with the flag on", given: { kind: "SecretStore", uses, flag: true }, refused: false },
    { name: "a ClusterSecretStore using it (as ESO)", given: { kind: "ClusterSecretStore", uses, flag: false }, refused: false },
    { name: "a ClusterSecretStore with the flag on", given: { kind: "ClusterSecretStore", uses, flag: true }, refused: false },
  ] as const;
  for (const { name, given, refused } of table) {
    it(name, () => {
      const message = ambientRefusal(given.kind, given.uses, given.flag);
      if (!refused) return assert.equal(message, undefined);
      assert.equal(
        message,
        `a SecretStore may not use the operator's own identity (${uses}); name credentials (secretRef/serviceAccountRef) or use a ClusterSecretStore`,
      );
    });
  }
});

describe("endpointRefusal: where credentials may go", () => {
  const table = [
    { given: "https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com", want: undefined },
    { given: "https://10.0.0.1:8443", want: undefined },
    { given: "http://127.0.0.1:25000", want: undefined },
    { given: "http://127.10.20.30", want: undefined },
    { given: "http://localhost:4566", want: undefined },
    { given: "http://LOCALHOST:4566", want: undefined },
    { given: "http://[::1]:4566", want: undefined },
    // The URL parser normalises these to 127.0.0.1 before the check: still loopback.
    { given: "http://127.1:80", want: undefined },
    { given: "http://0x7f.0.0.1", want: undefined },
    { given: "http://10.0.0.1:4566", want: "field http://10.0.0.1:4566 is refused: endpoint overrides must use https (plain http only to a loopback address)" },
    { given: "http://169.254.169.254/latest", want: "field http://169.254.169.254 is refused: endpoint overrides must use https (plain http only to a loopback address)" },
    { given: "http://evil.example", want: "field http://evil.example is refused: endpoint overrides must use https (plain http only to a loopback address)" },
    { given: "http://localhost.evil.example", want: "field http://localhost.evil.example is refused: endpoint overrides must use https (plain http only to a loopback address)" },
    { given: "http://[::ffff:127.0.0.1]", want: "field http://[::ffff:7f00:1] is refused: endpoint overrides must use https (plain http only to a loopback address)" },
    { given: "ftp://127.0.0.1", want: "field ftp://127.0.0.1 is refused: endpoint overrides must use https (plain http only to a loopback address)" },
    // Credentials in the URL never reach the message.
    { given: "http://user:hunter2@evil.example", want: "field http://evil.example is refused: endpoint overrides must use https (plain http only to a loopback address)" },
    { given: "not a url", want: "field is not a valid URL" },
  ];
  for (const { given, want } of table) it(given, () => assert.equal(endpointRefusal("field", given), want));

  // Moved here with isLoopbackHost from the gcpsm provider, with its cases.
  const hosts = [
    { given: "127.0.0.1", want: true },
    { given: "127.0.0.53", want: true },
    { given: "127.255.255.254", want: true },
    { given: "::1", want: true },
    { given: "[::1]", want: true },
    { given: "localhost", want: true },
    { given: "128.0.0.1", want: false },
    { given: "0.0.0.0", want: false },
    { given: "::", want: false },
    { given: "169.254.169.254", want: false },
    { given: "metadata.google.internal", want: false },
    { given: "10.0.0.1", want: false },
  ];
  for (const { given, want } of hosts) it(`isLoopbackHost(${given}) = ${want}`, () => assert.equal(isLoopbackHost(given), want));
});

describe("audienceRefusal: tokens valid against the kube-apiserver", () => {
  const apiServer = new Set(["https://127.0.0.1:26443", "https://kubernetes.default.svc"]);
  const table = [
    { name: "the provider's audience", given: ["vault"], refused: undefined },
    { name: "several provider audiences", given: ["sts.amazonaws.com", "extra"], refused: undefined },
    { name: "no audience (the apiserver would fill in its own)", given: [], refused: /without an audience/ },
    { name: "a blank audience", given: ["vault", ""], refused: /without an audience/ },
    { name: "the apiserver's issuer", given: ["https://127.0.0.1:26443"], refused: /audience "https:\/\/127\.0\.0\.1:26443" is refused: the kube-apiserver accepts it/ },
    { name: "the issuer with a trailing slash", given: ["https://127.0.0.1:26443/"], refused: /is refused: the kube-apiserver accepts it/ },
    { name: "an apiserver audience next to a provider's", given: ["vault", "https://kubernetes.default.svc"], refused: /^audience "https:\/\/kubernetes\.default\.svc" is refused/ },
  ];
  for (const { name, given, refused } of table) {
    it(name, () => {
      const message = audienceRefusal(given, apiServer);
      if (refused === undefined) assert.equal(message, undefined);
      else assert.match(message ?? "", refused);
    });
  }
});

describe("audiencesOr", () => {
  const table = [
    { name: "the spec's audiences win", given: { named: ["a", "b"], fallback: ["vault"] }, want: ["a", "b"] },
    { name: "none named: the provider's", given: { named: undefined, fallback: ["vault"] }, want: ["vault"] },
    { name: "an empty list is none", given: { named: [], fallback: ["sts.amazonaws.com"] }, want: ["sts.amazonaws.com"] },
    { name: "duplicates once", given: { named: ["a", "a"], fallback: ["vault"] }, want: ["a"] },
  ];
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(audiencesOr(given.named, given.fallback), want));
});
