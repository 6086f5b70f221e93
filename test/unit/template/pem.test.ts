// Go's encoding/pem Decode rules in pki/pem.ts, by known answers (what Go 1.26's pem.Decode gives for
// each input; the differential suite checks filterPEM against Go itself), and its linear cost on hostile
// input.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pemDecode, pemDecodeAll, pemEncode } from "../../../src/template/pki/pem.ts";

const block = (type: string, body = "QUFB", extra = "") => `-----BEGIN ${type}-----\n${extra}${body}\n-----END ${type}-----\n`;

describe("pem.Decode as Go", () => {
  const table: { name: string; given: string; want: { type: string; bytes: string; headers?: Record<string, string>; rest: string } | undefined }[] = [
    { name: "one block", given: block("A"), want: { type: "A", bytes: "AAA", rest: "" } },
    { name: "text after a block is the rest", given: block("A") + "tail", want: { type: "A", bytes: "AAA", rest: "tail" } },
    { name: "junk on lines before BEGIN is skipped", given: "junk\n" + block("A"), want: { type: "A", bytes: "AAA", rest: "" } },
    { name: "junk before BEGIN on the same line: no block", given: "junk" + block("A"), want: undefined },
    { name: "CRLF line ends", given: block("A").replace(/\n/g, "\r\n"), want: { type: "A", bytes: "AAA", rest: "" } },
    { name: "trailing spaces and tabs on every line", given: block("A").replace(/\n/g, " \t\n"), want: { type: "A", bytes: "AAA", rest: "" } },
    { name: "spaces inside the body are dropped", given: block("A", "QU FB"), want: { type: "A", bytes: "AAA", rest: "" } },
    { name: "headers", given: block("A", "QUFB", "Proc-Type: 4,ENCRYPTED\nDEK-Info : x \n\n"), want: { type: "A", bytes: "AAA", headers: { "Proc-Type": "4,ENCRYPTED", "DEK-Info": "x" }, rest: "" } },
    { name: "END of another type: no block", given: "-----BEGIN A-----\nQUFB\n-----END B-----\n", want: undefined },
    { name: "text after END on its line: no block", given: "-----BEGIN A-----\nQUFB\n-----END A-----x\n", want: undefined },
    { name: "bad base64: no block", given: block("A", "QU*B"), want: undefined },
    { name: "missing padding: no block", given: block("A", "QQ"), want: undefined },
    { name: "data after padding: no block", given: block("A", "QQ==QUFB"), want: undefined },
    { name: "padded", given: block("A", "QQ=="), want: { type: "A", bytes: "A", rest: "" } },
    { name: "empty body", given: "-----BEGIN A-----\n-----END A-----\n", want: { type: "A", bytes: "", rest: "" } },
    { name: "a bad block is skipped for the next", given: block("A", "!!") + block("B"), want: { type: "B", bytes: "AAA", rest: "" } },
    { name: "the last BEGIN before END wins", given: "-----BEGIN A-----\n-----BEGIN B-----\nQUFB\n-----END B-----\n", want: { type: "B", bytes: "AAA", rest: "" } },
    { name: "BEGIN line without closing dashes", given: "-----BEGIN A\nQUFB\n-----END A-----\n", want: undefined },
    { name: "no END", given: "-----BEGIN A-----\nQUFB\n", want: undefined },
    { name: "headers running past END to the end of the text: no block", given: "-----BEGIN A:B-----\n-----END A:B-----\nk: v\n", want: undefined },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const got = pemDecode(Buffer.from(given).toString("latin1"));
      if (!want) return assert.equal(got, undefined);
      assert.ok(got);
      assert.equal(got.block.type, want.type);
      assert.equal(got.block.bytes.toString("latin1"), want.bytes);
      assert.deepEqual(Object.fromEntries(got.block.headers), want.headers ?? {});
      assert.equal(got.rest, want.rest);
    });
  }

  it("decodes every block in turn and reports what is left", () => {
    const { blocks, rest } = pemDecodeAll(block("A") + "junk\n" + block("B") + "x");
    assert.deepEqual(blocks.map((b) => b.type), ["A", "B"]);
    assert.equal(rest, "x");
  });

  it("encodes as Go: 64 columns, Proc-Type first, then headers sorted", () => {
    const headers = new Map([["Z", "1"], ["Proc-Type", "4,ENCRYPTED"], ["A", "2"]]);
    const out = pemEncode("T", Buffer.alloc(60, 0xff), headers);
    assert.equal(out, `-----BEGIN T-----\nProc-Type: 4,ENCRYPTED\nA: 2\nZ: 1\n\n${"/".repeat(64)}\n${"/".repeat(16)}\n-----END T-----\n`);
  });

  // The regexp this replaced was quadratic here; a quadratic scan of these 1 MiB inputs takes hours.
  it("stays linear on 1 MiB of hostile input", { timeout: 10_000 }, () => {
    const hostile = [
      "-----BEGIN A-----\n".repeat(60_000),
      "x\n-----END A-----\n".repeat(60_000),
      "-----BEGIN A:B-----\n-----END A:B-----\nk: v\n".repeat(25_000) + "k: v",
      "-----BEGIN A-----\nk: v\n".repeat(50_000) + "\n-----END A-----\n",
    ];
    for (const s of hostile) pemDecodeAll(s);
  });
});
