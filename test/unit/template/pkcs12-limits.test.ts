// The bounds on PKCS#12 and certificate input from tenants: chain ordering charged per pair of certificates; iteration counts capped and charged to the template budget
// before any key derivation, the archive's size and bag count capped, malformed DER refused with Go's
// asn1 texts. Archives are made by our encoder (pki/pkcs12-encode.ts) and then re-assembled with the
// counts under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderString, stringData } from "../../../src/template/engine.ts";
import { children, integer, readOne, sequence } from "../../../src/template/pki/der.ts";
import { decodeChain, decodeTrustStore } from "../../../src/template/pki/pkcs12-decode.ts";
import { encodePkcs12, encodeTrustStore } from "../../../src/template/pki/pkcs12-encode.ts";
import { bmpPassword, MAX_ITERATIONS, Pkcs12Error } from "../../../src/template/pki/pkcs12-pbe.ts";
import { parseAnyPrivateKey } from "../../../src/template/pki/private-key.ts";
import { pemDecode } from "../../../src/template/pki/pem.ts";
import { testPki } from "./pki.ts";

const pki = testPki("p256");
const der = (pem: string) => pemDecode(pem)!.block.bytes;
const archive = encodePkcs12(parseAnyPrivateKey(der(pki.leafKeyPem)).pkcs8, der(pki.leafPem), [], "pw");

/** The archive with its MAC iteration count replaced (the MAC no longer checks, but the count is read first). */
function withMacIterations(pfx: Buffer, n: number): Buffer {
  const [version, authSafe, macData] = children(readOne(pfx));
  const [digestInfo, salt] = children(macData!);
  return sequence(version!.raw, authSafe!.raw, sequence(digestInfo!.raw, salt!.raw, integer(n)));
}

function withVersion(pfx: Buffer, v: number): Buffer {
  const [, authSafe, macData] = children(readOne(pfx));
  return sequence(integer(v), authSafe!.raw, macData!.raw);
}

const render = (template: string, p12: Buffer, maxSteps?: number) =>
  renderString("t", template, stringData({ p12: new Uint8Array(p12) }), maxSteps ? { maxSteps } : undefined);

describe("PKCS#12 limits", () => {
  it("an iteration count above the cap fails before any work", () => {
    assert.throws(() => render('{{ .p12 | pkcs12keyPass "pw" }}', withMacIterations(archive, MAX_ITERATIONS + 1)), /pkcs12: iteration count 600001 is above the limit of 600000$/);
  });

  it("iterations under the cap are charged to the template budget before they run", () => {
    assert.throws(() => render('{{ .p12 | pkcs12keyPass "pw" }}', withMacIterations(archive, 500_000), 1_000_000), /template budget exhausted: more than 1000000 steps/);
  });

  it("a count within both runs (the MAC then fails: it was made with 2048)", () => {
    assert.throws(() => render('{{ .p12 | pkcs12keyPass "pw" }}', withMacIterations(archive, 4096)), /decryption password incorrect$/);
  });

  it("the default budget pays for a Modern2023 round trip many times over", () => {
    const chain = pki.leafPem + pki.intermediatePem + pki.rootPem;
    const data = stringData({ bundle: new Uint8Array(Buffer.from(chain)), key: new Uint8Array(Buffer.from(pki.leafKeyPem)) });
    const once = '{{ fullPemToPkcs12Pass .bundle .key "pw" | b64dec | pkcs12certPass "pw" }}';
    assert.equal(renderString("t", once.repeat(20), data), chain.repeat(20));
  });

  it("an archive above 1 MiB is refused unread", () => {
    assert.throws(() => decodeChain(Buffer.alloc(1_048_577), bmpPassword("")), (err: Error) => err instanceof Pkcs12Error && /larger than 1 MiB/.test(err.message));
  });

  it("more than 1,000 bags are refused", () => {
    const ok = encodeTrustStore(Array<Buffer>(1000).fill(der(pki.rootPem)), "");
    assert.equal(decodeTrustStore(ok, bmpPassword("")).length, 1000);
    const over = encodeTrustStore(Array<Buffer>(1001).fill(der(pki.rootPem)), "");
    assert.throws(() => decodeTrustStore(over, bmpPassword("")), /more elements than this reader takes|more than 1000 bags/);
  });

  const malformed: { name: string; given: Buffer; want: RegExp }[] = [
    { name: "empty", given: Buffer.alloc(0), want: /data truncated$/ },
    { name: "indefinite length", given: Buffer.from("3080020103", "hex"), want: /asn1: syntax error: indefinite length found \(not DER\)$/ },
    { name: "non-minimal length", given: Buffer.from("30810102", "hex"), want: /non-minimal length$/ },
    { name: "length past the end", given: Buffer.from("3005020103", "hex"), want: /data truncated$/ },
    { name: "trailing bytes", given: Buffer.concat([archive, Buffer.from([0])]), want: /trailing data found$/ },
    { name: "version 2", given: withVersion(archive, 2), want: /can only decode v3 PFX PDU's$/ },
    { name: "no authenticated safe", given: Buffer.from("3003020103", "hex"), want: /sequence truncated$/ },
  ];
  for (const { name, given, want } of malformed) {
    it(`malformed: ${name}`, () => assert.throws(() => decodeChain(given, bmpPassword("pw")), want));
  }
});

describe("certificate chain limits", () => {
  it("ordering a chain is charged per pair of certificates, before it runs", () => {
    const data = stringData({ bundle: new Uint8Array(Buffer.from(pki.rootPem.repeat(1000))) });
    assert.throws(() => renderString("t", '{{ .bundle | filterCertChain "root" }}', data, { maxSteps: 900_000 }), /template budget exhausted/);
    assert.throws(() => renderString("t", '{{ .bundle | filterCertChain "root" }}', data), /found multiple leaf or disjunct certificates$/);
  });
});

describe("damaged archives", () => {
  it("every damaged archive fails with the function's own error (no internal error escapes)", () => {
    let state = 3;
    const rnd = (k: number) => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state % k;
    };
    const archives = [
      [pki.variants.plain, ""],
      [pki.p12Pass, "s3cret"],
      [pki.p12Legacy, "s3cret"],
      [pki.variants.keyBag, "s3cret"],
    ] as const;
    let failed = 0;
    for (const [archive, pass] of archives) {
      for (let i = 0; i < 150; i++) {
        const b = Buffer.from(archive, "latin1");
        for (let k = 0, n = 1 + rnd(3); k < n; k++) b[rnd(b.length)] = rnd(256);
        const input = rnd(10) === 0 ? b.subarray(0, rnd(b.length)) : b;
        for (const fn of ["pkcs12keyPass", "pkcs12certPass"]) {
          try {
            renderString("t", `{{ .a | ${fn} "${pass}" }}`, stringData({ a: new Uint8Array(input) }));
          } catch (err) {
            failed++;
            assert.match((err as Error).message, new RegExp(`error calling ${fn}: unable to decode pkcs12 (certificate )?with password: (pkcs12|x509|asn1): `));
          }
        }
      }
    }
    assert.ok(failed > 1000, `${failed} failures`);
  });
});
