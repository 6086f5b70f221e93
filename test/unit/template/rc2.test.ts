// RC2 (pki/rc2.ts) against RFC 2268's test vectors (key, effective key bits, plaintext, ciphertext), and
// CBC chaining against a block-by-block decryption.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rc2CbcDecrypt, rc2DecryptBlockForTest } from "../../../src/template/pki/rc2.ts";

describe("RC2 (RFC 2268 section 5)", () => {
  const vectors: [string, number, string, string][] = [
    ["0000000000000000", 63, "0000000000000000", "ebb773f993278eff"],
    ["ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"],
    ["3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"],
    ["88", 64, "0000000000000000", "61a8a244adacccf0"],
    ["88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"],
    ["88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"],
    ["88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"],
    ["88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e", 129, "0000000000000000", "5b78d3a43dfff1f1"],
  ];
  for (const [key, bits, plain, cipher] of vectors) {
    it(`key ${key}, ${bits} bits`, () => {
      assert.equal(rc2DecryptBlockForTest(Buffer.from(key, "hex"), bits, Buffer.from(cipher, "hex")).toString("hex"), plain);
    });
  }

  it("CBC: each block is decrypted and XORed with the previous ciphertext (the IV first)", () => {
    const key = Buffer.from("88bca90e90875a7f0f79c384627bafb2", "hex");
    const iv = Buffer.from("0001020304050607", "hex");
    const data = Buffer.from("2269552ab0f85ca61a807d272bbe5db1", "hex");
    const out = rc2CbcDecrypt(key, iv, data);
    const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]!));
    assert.deepEqual(out.subarray(0, 8), xor(rc2DecryptBlockForTest(key, 128, data.subarray(0, 8)), iv));
    assert.deepEqual(out.subarray(8), xor(rc2DecryptBlockForTest(key, 128, data.subarray(8)), data.subarray(0, 8)));
  });
});
