import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { convertKey, decodeValue, rewriteKeys } from "../../../src/reconcilers/external-secret/shaping.ts";
import { ConfigError } from "../../../src/provider/errors.ts";

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
const bytes = (s: string) => new Uint8Array(Buffer.from(s));

describe("decodeValue", () => {
  const table = [
    { name: "None keeps the value", given: ["aGVsbG8=", "None"], want: "aGVsbG8=" },
    { name: "Base64", given: ["aGVsbG8=", "Base64"], want: "hello" },
    { name: "Base64URL", given: ["aGk_Pz8-", "Base64URL"], want: "hi???>" },
    { name: "Auto decodes base64", given: ["aGVsbG8=", "Auto"], want: "hello" },
    { name: "Auto keeps a non-base64 value", given: ["happy/street!", "Auto"], want: "happy/street!" },
    { name: "Auto keeps an unpadded base64url-looking value (Go's URLEncoding needs padding)", given: ["hello_world", "Auto"], want: "hello_world" },
    { name: "Auto keeps a value with spaces (Go does not trim)", given: [" aGVsbG8= ", "Auto"], want: " aGVsbG8= " },
  ] as const;
  for (const { name, given, want } of table) it(name, () => assert.equal(text(decodeValue(bytes(given[0]), given[1], "k")), want));
  it("Base64 rejects invalid input with a ConfigError that does not echo the value", () => {
    assert.throws(() => decodeValue(bytes("not base64!!"), "Base64", "key1"), (err: Error) => err instanceof ConfigError && !err.message.includes("not base64!!"));
  });
});

describe("convertKey", () => {
  it("Default replaces invalid characters with _", () => assert.equal(convertKey("/app/db:pass word", "Default"), "_app_db_pass_word"));
  it("Unicode escapes them as _Uxxxx_ (ESO's %04x: lower-case hex)", () => assert.equal(convertKey("a/b:😀", "Unicode"), "a_U002f_b_U003a__U1f600_"));
  it("keeps valid keys", () => assert.equal(convertKey("a-b_c.d", undefined), "a-b_c.d"));
});

describe("rewriteKeys", () => {
  it("applies regexp rewrites in order with Go's ${1} syntax", () => {
    const out = rewriteKeys({ "db/user": 1, "db/pass": 2 }, [{ regexp: { source: "^db/(.*)$", target: "${1}" } }, { regexp: { source: "^(.*)$", target: "x-$1" } }]);
    assert.deepEqual(out, { "x-user": 1, "x-pass": 2 });
  });
  it("rejects an invalid regexp as a ConfigError", () => {
    assert.throws(() => rewriteKeys({ a: 1 }, [{ regexp: { source: "([", target: "" } }]), ConfigError);
  });
  it("names the rule and quotes Go's error for a pattern Go rejects (a JS-only lookahead)", () => {
    assert.throws(() => rewriteKeys({ a: 1 }, [{ transform: { template: "{{ .value }}" } }, { regexp: { source: "^(?=a)", target: "" } }]), {
      name: "ConfigError",
      message: "dataFrom.rewrite[1].regexp.source: error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
    });
  });
  it("takes Go-only syntax: (?P<name>), ${name}, \\pL, non-ASCII keys", () => {
    const out = rewriteKeys({ "app/clé": 1 }, [{ regexp: { source: "^app/(?P<name>\\pL+)$", target: "${name}-é" } }]);
    assert.deepEqual(out, { "clé-é": 1 });
  });
  it("runs a catastrophic pattern in linear time", () => {
    const key = "a".repeat(30_000) + "b";
    assert.deepEqual(Object.keys(rewriteKeys({ [key]: 1 }, [{ regexp: { source: "^(a+)+$", target: "x" } }])), [key]);
  });
});
