import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { dataHash, syncVersion } from "../../../src/reconcilers/external-secret/hashes.ts";

const sha3 = (text: string) => createHash("sha3-224").update(text).digest("hex");
const bytes = (text: string) => new TextEncoder().encode(text);

describe("ESO-compatible hashes", () => {
  it("hashes data as Go's %+v of map[string][]byte (text checked against `go run`)", () => {
    // Go prints map[string][]byte{"b":"x","a":"yz","e":""} as `map[a:[121 122] b:[120] e:[]]`.
    assert.equal(dataHash({ b: bytes("x"), a: bytes("yz"), e: bytes("") }), sha3("map[a:[121 122] b:[120] e:[]]"));
  });

  it("syncVersion is <generation>-<hash of annotations and labels> as Go's %+v of ESO's meta struct", () => {
    const got = syncVersion({ name: "x", generation: 3, annotations: { z: "1", "force-sync": "2" } });
    assert.equal(got, `3-${sha3("{annotations:map[force-sync:2 z:1] labels:map[]}")}`);
  });

  it("changes when an annotation changes", () => {
    assert.notEqual(syncVersion({ name: "x", generation: 1, annotations: { a: "1" } }), syncVersion({ name: "x", generation: 1, annotations: { a: "2" } }));
  });
});
