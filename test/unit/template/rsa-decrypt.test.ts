// ESO's rsaDecrypt SCHEME HASH CIPHERTEXT KEY: round trips through node:crypto's OAEP encryption for each hash
// and key encoding, and ESO's errors (scheme, PEM, key type, wrong data, keys Go calls insecure).
import assert from "node:assert/strict";
import { constants, generateKeyPairSync, publicEncrypt } from "node:crypto";
import { describe, it } from "node:test";
import { renderString, stringData } from "../../../src/template/engine.ts";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pkcs1 = rsa.privateKey.export({ format: "pem", type: "pkcs1" }).toString();
const pkcs8 = rsa.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "sec1" }).toString();
const small = generateKeyPairSync("rsa", { modulusLength: 512 });

const render = (template: string, values: Record<string, Buffer | string>) =>
  renderString("t", template, stringData(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))]))));
const encrypt = (hash: string, text: string, key = rsa.publicKey) => publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, Buffer.from(text));

describe("rsaDecrypt", () => {
  for (const [hash, node] of [["SHA1", "sha1"], ["SHA256", "sha256"], ["SHA512", "sha512"], ["None", "sha256"], ["MD5", "sha256"]] as const) {
    for (const [encoding, key] of [["PKCS#1", pkcs1], ["PKCS#8", pkcs8]] as const) {
      it(`RSA-OAEP ${hash} with a ${encoding} key`, () => {
        assert.equal(render(`{{ rsaDecrypt "RSA-OAEP" "${hash}" .c .k }}`, { c: encrypt(node, "s3cret ünïcode"), k: key }), "s3cret ünïcode");
      });
    }
  }

  const errors: { name: string; template: string; values: Record<string, Buffer | string>; want: RegExp }[] = [
    { name: "None passes through", template: '{{ rsaDecrypt "None" "SHA256" "plain" "" }}', values: {}, want: /^plain$/ },
    { name: "unsupported scheme", template: '{{ rsaDecrypt "RSA-PKCS1" "SHA256" "x" .k }}', values: { k: pkcs1 }, want: /decryption scheme RSA-PKCS1 is not supported/ },
    { name: "not PEM", template: '{{ rsaDecrypt "RSA-OAEP" "SHA256" "x" "not-a-valid-pem" }}', values: {}, want: /failed to decode PEM block/ },
    { name: "not a key", template: '{{ rsaDecrypt "RSA-OAEP" "SHA256" "x" .k }}', values: { k: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }, want: /could not parse private key: unable to parse private key type/ },
    { name: "an EC key", template: '{{ rsaDecrypt "RSA-OAEP" "SHA256" "x" .k }}', values: { k: ec }, want: /could not parse RSA private key/ },
    { name: "not encrypted", template: '{{ rsaDecrypt "RSA-OAEP" "SHA256" "not-encrypted-data" .k }}', values: { k: pkcs1 }, want: /error decrypting data with RSA: crypto\/rsa: decryption error/ },
    { name: "wrong hash", template: '{{ rsaDecrypt "RSA-OAEP" "SHA1" .c .k }}', values: { c: encrypt("sha256", "x"), k: pkcs1 }, want: /crypto\/rsa: decryption error/ },
    { name: "a 512-bit key", template: '{{ rsaDecrypt "RSA-OAEP" "SHA1" .c .k }}', values: { c: encrypt("sha1", "x", small.publicKey), k: small.privateKey.export({ format: "pem", type: "pkcs1" }).toString() }, want: /crypto\/rsa: 512-bit keys are insecure/ },
  ];
  for (const { name, template, values, want } of errors) {
    it(name, () => {
      if (want.source.startsWith("^")) assert.match(render(template, values), want);
      else assert.throws(() => render(template, values), want);
    });
  }
});
