import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { namespaceAllowed } from "../../../src/reconcilers/external-secret/store-access.ts";
import { matchesSelector } from "../../../src/kube/label-selector.ts";

const labels = async () => ({ team: "a", env: "prod" });

describe("ClusterSecretStore conditions", () => {
  const table = [
    { name: "no conditions: everyone", given: undefined, want: true },
    { name: "by name", given: [{ namespaces: ["ns1"] }], want: true },
    { name: "by regex", given: [{ namespaceRegexes: ["^ns[0-9]$"] }], want: true },
    { name: "by selector", given: [{ namespaceSelector: { matchLabels: { team: "a" } } }], want: true },
    { name: "rules are ORed", given: [{ namespaces: ["x"] }, { namespaceRegexes: ["^ns"] }], want: true },
    { name: "nothing matches", given: [{ namespaces: ["x"] }, { namespaceSelector: { matchLabels: { team: "b" } } }], want: false },
    { name: "an invalid regex matches nothing", given: [{ namespaceRegexes: ["(["] }], want: false },
    { name: "a pattern only JS accepts matches nothing (Go rejects lookahead)", given: [{ namespaceRegexes: ["^(?=ns)"] }], want: false },
    { name: "Go syntax: (?P<name>) and \\z", given: [{ namespaceRegexes: ["^(?P<prefix>ns)[0-9]\\z"] }], want: true },
    { name: "an invalid entry does not hide a later valid one", given: [{ namespaceRegexes: ["(", "^ns1$"] }], want: true },
  ];
  for (const { name, given, want } of table) it(name, async () => assert.equal(await namespaceAllowed(given, "ns1", labels), want));
});

describe("matchesSelector", () => {
  const have = { team: "a", env: "prod" };
  const table = [
    { name: "matchLabels", given: { matchLabels: { team: "a" } }, want: true },
    { name: "In", given: { matchExpressions: [{ key: "env", operator: "In" as const, values: ["prod", "dev"] }] }, want: true },
    { name: "NotIn", given: { matchExpressions: [{ key: "env", operator: "NotIn" as const, values: ["prod"] }] }, want: false },
    { name: "Exists", given: { matchExpressions: [{ key: "team", operator: "Exists" as const }] }, want: true },
    { name: "DoesNotExist", given: { matchExpressions: [{ key: "team", operator: "DoesNotExist" as const }] }, want: false },
    { name: "empty selector matches all", given: {}, want: true },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(matchesSelector(given, have), want));
});
