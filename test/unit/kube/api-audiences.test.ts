// Learning the kube-apiserver's audiences (decoding the operator's own JWT, uniting the sources, failing closed),
// and kubeAccess refusing a TokenRequest for them before asking the apiserver. The apiserver is a stand-in object.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { COMMON_APISERVER_AUDIENCES, discoverAudiences } from "../../../src/kube/api-audiences.ts";
import { jwtAudiences } from "../../../src/kube/own-token.ts";
import { kubeAccess } from "../../../src/kube/access.ts";
import type { KubeClients } from "../../../src/kube/clients.ts";
import { ConfigError, ProviderUnavailableError } from "../../../src/provider/errors.ts";

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

/** Clients whose user token names `aud`, whose issuer document says `issuer`, recording TokenRequests. */
function standIn(opts: { aud?: string[]; issuer?: string }) {
  const requests: Array<{ name: string; namespace: string; audiences: string[] }> = [];
  const clients = {
    kc: {
      getCurrentUser: () => (opts.aud ? { name: "u", token: jwt({ aud: opts.aud }) } : { name: "u" }),
      makeApiClient: () => ({
        getServiceAccountIssuerOpenIDConfiguration: async () => {
          if (!opts.issuer) throw Object.assign(new Error("forbidden"), { code: 403 });
          return JSON.stringify({ issuer: opts.issuer });
        },
      }),
    },
    core: {
      createNamespacedServiceAccountToken: async (req: { name: string; namespace: string; body: { spec: { audiences: string[] } } }) => {
        requests.push({ name: req.name, namespace: req.namespace, audiences: req.body.spec.audiences });
        return { status: { token: "minted" } };
      },
    },
  } as unknown as KubeClients;
  return { clients, requests };
}

describe("kubeAccess.serviceAccountToken", () => {
  const store = { kind: "SecretStore", name: "s", namespace: "team" } as const;
  // The machine running the tests may have a token at the default path: point the own-token source elsewhere.
  const previous = process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"];
  before(() => {
    process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"] = "/nonexistent/token";
  });
  after(() => {
    if (previous === undefined) delete process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"];
    else process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"] = previous;
  });
  const table = [
    { name: "the provider's audience is minted", given: { aud: ["https://issuer"], audiences: ["vault"] }, want: { minted: ["vault"] } },
    { name: "the issuer (from the openid document) is refused", given: { issuer: "https://issuer", audiences: ["https://issuer"] }, want: { error: ConfigError, message: /TokenRequest for service account team\/app: audience "https:\/\/issuer" is refused/ } },
    { name: "the user token's audience is refused", given: { aud: ["https://api.internal"], audiences: ["sts.amazonaws.com", "https://api.internal"] }, want: { error: ConfigError, message: /is refused/ } },
    { name: "an in-cluster service name is refused", given: { aud: ["https://issuer"], audiences: ["https://kubernetes.default.svc.cluster.local"] }, want: { error: ConfigError, message: /is refused/ } },
    { name: "no audience is refused without asking anything", given: { audiences: [] }, want: { error: ConfigError, message: /without an audience/ } },
    { name: "nothing learned: nothing minted", given: { audiences: ["vault"] }, want: { error: ProviderUnavailableError, message: /cannot tell the kube-apiserver's token audiences/ } },
  ];
  for (const { name, given, want } of table) {
    it(name, async () => {
      const { clients, requests } = standIn(given);
      const access = kubeAccess(clients, store);
      const minting = access.serviceAccountToken({ name: "app", audiences: given.audiences });
      if ("minted" in want) {
        assert.equal(await minting, "minted");
        assert.deepEqual(requests, [{ name: "app", namespace: "team", audiences: want.minted }]);
      } else {
        await assert.rejects(minting, (err: Error) => err instanceof want.error && want.message.test(err.message));
        assert.deepEqual(requests, [], "no TokenRequest was made");
      }
    });
  }
});
