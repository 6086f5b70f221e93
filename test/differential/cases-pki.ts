// Differential cases for ESO's PEM and PKCS#12 functions (filterPEM, filterCertChain, pkcs12key/cert,
// pemToPkcs12, fullPemToPkcs12, pemTruststoreToPKCS12 and their Pass forms), over fresh test PKIs of each
// key kind (test/unit/template/pki.ts). PKCS#12 archives travel base64 in the data (the reference's data
// map is JSON text) and are decoded with b64dec in the template. Archives made by either side have random
// salts, so they are compared by what they decode to, not byte for byte.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { children, octets, readOne, sequence } from "../../src/template/pki/der.ts";
import { pemDecode, pemEncode } from "../../src/template/pki/pem.ts";
import type { Case } from "./go-render.ts";
import { ARCHIVE_VARIANTS, testPki, withPbmac1, type KeyKind } from "../unit/template/pki.ts";

export const KEY_KINDS: KeyKind[] = ["rsa", "p256", "p384", "p521", "ed25519"];

const b64 = (bin: string) => Buffer.from(bin, "latin1").toString("base64");

/** For an EC key, its PKCS#8 PEM with the stored public key of another key (Go ignores it and computes
 *  the public key from the scalar); other kinds unchanged. */
function staleEcKey(kind: KeyKind, pem: string): string {
  if (!kind.startsWith("p")) return pem;
  const der = (k: KeyObject) => k.export({ type: "pkcs8", format: "der" });
  const parts = (d: Buffer) => {
    const [version, algorithm, inner] = children(readOne(d));
    return { version: version!, algorithm: algorithm!, ec: children(readOne(inner!.content)) };
  };
  const mine = parts(pemDecode(Buffer.from(pem).toString("latin1"))!.block.bytes);
  const other = parts(der(generateKeyPairSync("ec", { namedCurve: createPrivateKey(pem).asymmetricKeyDetails!.namedCurve! }).privateKey));
  const ec = sequence(...mine.ec.map((f) => (f.tag === 0xa1 ? other.ec.find((g) => g.tag === 0xa1)! : f).raw));
  return pemEncode("PRIVATE KEY", sequence(mine.version.raw, mine.algorithm.raw, octets(ec)));
}

/** Data every case of one key kind sees. */
export function pkiData(kind: KeyKind): Record<string, string> {
  const p = testPki(kind);
  const tampered = Buffer.from(p.p12Pass, "latin1");
  tampered[tampered.length - 5]! ^= 0x01; // inside the MAC digest
  return {
    cert: p.leafPem,
    key: p.leafKeyPem,
    staleKey: staleEcKey(kind, p.leafKeyPem),
    bundle: p.leafPem + p.intermediatePem + p.rootPem,
    shuffled: p.rootPem + p.leafPem + p.intermediatePem,
    cas: p.intermediatePem + p.rootPem,
    root: p.rootPem,
    withKey: p.leafKeyPem + p.leafPem + p.intermediatePem + p.rootPem,
    p12: b64(p.p12),
    p12pass: b64(p.p12Pass),
    legacy: b64(p.p12Legacy),
    tampered: tampered.toString("base64"),
    truncated: b64(p.p12Pass.slice(0, 200)),
    pbmac1: b64(withPbmac1(p.p12Pass, "s3cret")),
    ...Object.fromEntries(Object.entries(p.variants).map(([name, archive]) => [`v_${name}`, b64(archive)])),
  };
}

const PEM_TEMPLATES: [string, string][] = [
  ["filterPEM certificates of a bundle with a key", '{{ .withKey | filterPEM "CERTIFICATE" }}'],
  ["filterPEM the key, type case-insensitive", '{{ .withKey | filterPEM "private key" }}'],
  ["filterPEM no match, nothing left over", '[{{ .cert | filterPEM "PRIVATE KEY" }}]'],
  ["filterPEM junk before BEGIN on the same line", '{{ print "junk " .cert | filterPEM "CERTIFICATE" }}'],
  ["filterPEM junk between blocks on a BEGIN line", '{{ print .cert "junk" .root | filterPEM "CERTIFICATE" }}'],
  ["filterPEM junk after the last block", '{{ print .cert "trailing junk\\n" | filterPEM "CERTIFICATE" }}'],
  ["filterPEM no match and junk left", '{{ print .cert "x" | filterPEM "PRIVATE KEY" }}'],
  ["filterPEM CRLF line ends", '{{ .cert | replace "\\n" "\\r\\n" | filterPEM "CERTIFICATE" }}'],
  ["filterPEM trailing spaces and tabs", '{{ .cert | replace "\\n" " \\t\\n" | filterPEM "CERTIFICATE" }}'],
  ["filterPEM headers kept", '{{ .cert | replace "CERTIFICATE-----\\n" "CERTIFICATE-----\\nProc-Type: 4,ENCRYPTED\\nA: b\\n\\n" | filterPEM "CERTIFICATE" }}'],
  ["filterPEM END of another type", '{{ .cert | replace "END CERTIFICATE" "END X509" | filterPEM "CERTIFICATE" }}'],
  ["filterPEM bad base64", '{{ .cert | replace "M" "*" | filterPEM "CERTIFICATE" }}'],
  ["filterPEM missing padding", '{{ print "-----BEGIN A-----\\nQQ\\n-----END A-----\\n" | filterPEM "A" }}'],
  ["filterPEM empty body", '{{ print "-----BEGIN A-----\\n-----END A-----\\n" | filterPEM "A" }}'],
  ["filterPEM empty input", '[{{ "" | filterPEM "A" }}]'],
  ["filterPEM only junk", '{{ "just text" | filterPEM "A" }}'],
  ["filterPEM header after END", '{{ print "-----BEGIN A-----\\nQUFB\\n-----END A:B-----\\nk: v\\n" | filterPEM "A" }}'],
  ["filterPEM nested BEGIN", '{{ print "-----BEGIN A-----\\n-----BEGIN A-----\\nQUFB\\n-----END A-----\\n" | filterPEM "A" }}'],
  ["filterCertChain leaf", '{{ .shuffled | filterCertChain "leaf" }}'],
  ["filterCertChain intermediate", '{{ .shuffled | filterCertChain "intermediate" }}'],
  ["filterCertChain root", '{{ .shuffled | filterCertChain "root" }}'],
  ["filterCertChain unknown type", '[{{ .shuffled | filterCertChain "other" }}]'],
  ["filterCertChain root only: no leaf", '[{{ .root | filterCertChain "leaf" }}]'],
  ["filterCertChain root only: root", '{{ .root | filterCertChain "root" }}'],
  ["filterCertChain without a root", '{{ .cas | filterCertChain "intermediate" }}|{{ print .cert .cert | filterCertChain "leaf" }}'],
  ["filterCertChain empty chain", '{{ "" | filterCertChain "leaf" }}'],
  ["filterCertChain a private key in the chain", '{{ .withKey | filterCertChain "leaf" }}'],
  ["filterCertChain two leaves", '{{ print .cert .root | filterCertChain "leaf" }}'],
  ["filterCertChain junk before BEGIN", '{{ print "junk" .bundle | filterCertChain "root" }}'],
];

const P12_TEMPLATES: [string, string][] = [
  ["pkcs12key of an OpenSSL 3 archive", "{{ .p12 | b64dec | pkcs12key }}"],
  ["pkcs12cert of an OpenSSL 3 archive, chain-ordered", "{{ .p12 | b64dec | pkcs12cert }}"],
  ["pkcs12keyPass", '{{ .p12pass | b64dec | pkcs12keyPass "s3cret" }}'],
  ["pkcs12certPass", '{{ .p12pass | b64dec | pkcs12certPass "s3cret" }}'],
  ["pkcs12keyPass of a legacy archive (RC2, 3DES, SHA-1)", '{{ .legacy | b64dec | pkcs12keyPass "s3cret" }}{{ .legacy | b64dec | pkcs12certPass "s3cret" }}'],
  ["pkcs12keyPass wrong password", '{{ .p12pass | b64dec | pkcs12keyPass "wrong" }}'],
  ["pkcs12key of a password archive", "{{ .p12pass | b64dec | pkcs12key }}"],
  ["pkcs12keyPass of a passwordless archive", '{{ .p12 | b64dec | pkcs12keyPass "x" }}'],
  ["pkcs12certPass tampered MAC", '{{ .tampered | b64dec | pkcs12certPass "s3cret" }}'],
  ["pkcs12key truncated", "{{ .truncated | b64dec | pkcs12key }}"],
  ["pkcs12key not an archive", '{{ "not der" | pkcs12key }}'],
  ["pkcs12cert of a PEM", "{{ .cert | pkcs12cert }}"],
  ["pkcs12certPass of an archive with a PBMAC1 MAC (RFC 9579)", '{{ .pbmac1 | b64dec | pkcs12certPass "s3cret" }}{{ .pbmac1 | b64dec | pkcs12keyPass "s3cret" }}'],
  ["PBMAC1 wrong password", '{{ .pbmac1 | b64dec | pkcs12keyPass "wrong" }}'],
  ["pemToPkcs12 with a key whose stored public key is another's", "{{ pemToPkcs12 .cert .staleKey | b64dec | pkcs12key }}"],
  ["pemToPkcs12 round trip on each side", "{{ pemToPkcs12 .cert .key | b64dec | pkcs12key }}{{ pemToPkcs12 .cert .key | b64dec | pkcs12cert }}"],
  ["pemToPkcs12Pass round trip", '{{ pemToPkcs12Pass .bundle .key "pw" | b64dec | pkcs12certPass "pw" }}'],
  ["fullPemToPkcs12 round trip keeps the chain", "{{ fullPemToPkcs12 .shuffled .key | b64dec | pkcs12cert }}"],
  ["fullPemToPkcs12Pass round trip", '{{ fullPemToPkcs12Pass .bundle .key "pw" | b64dec | pkcs12keyPass "pw" }}'],
  ["fullPemToPkcs12 with a blank line after the chain", '{{ fullPemToPkcs12 (print .bundle "\\n") .key }}'],
  ["fullPemToPkcs12 with a key in the chain", "{{ fullPemToPkcs12 .withKey .key }}"],
  ["pemToPkcs12 no certificate", '{{ pemToPkcs12 "" .key }}'],
  ["pemToPkcs12 no key", '{{ pemToPkcs12 .cert "" }}'],
  ["pemToPkcs12 a certificate as the key", "{{ pemToPkcs12 .cert .cert }}"],
  ["pemToPkcs12Pass a password outside UCS-2", '{{ pemToPkcs12Pass .cert .key "\\U0001F600" }}'],
  ["pemTruststoreToPKCS12 is no key archive", "{{ pemTruststoreToPKCS12 .cas | b64dec | pkcs12cert }}"],
  ["pemTruststoreToPKCS12 of nothing", '{{ pemTruststoreToPKCS12 "" | b64dec | len | lt 100 }}'],
  ["pemTruststoreToPKCS12Pass with junk", '{{ pemTruststoreToPKCS12Pass (print .cas "x") "pw" }}'],
];

/** Each OpenSSL variant (3DES, RC2-128/40, AES-128/192 with a SHA-512 MAC, one iteration, a plain key bag,
 *  no encryption and no MAC, a MAC missing from a protected archive) through both functions, with its
 *  password and with the other. */
const VARIANT_TEMPLATES: [string, string][] = Object.keys(ARCHIVE_VARIANTS).flatMap((v): [string, string][] => [
  [`${v} archive`, `{{ .v_${v} | b64dec | pkcs12keyPass "${v === "plain" ? "" : "s3cret"}" }}{{ .v_${v} | b64dec | pkcs12certPass "${v === "plain" ? "" : "s3cret"}" }}`],
  [`${v} archive, other password`, `{{ .v_${v} | b64dec | pkcs12keyPass "${v === "plain" ? "s3cret" : ""}" }}`],
]);

export function pkiCases(kind: KeyKind): Case[] {
  const data = pkiData(kind);
  return [...PEM_TEMPLATES, ...P12_TEMPLATES, ...VARIANT_TEMPLATES].map(([name, template]) => ({ name: `${kind}: ${name}`, template, data }));
}

/** A bundle of blocks with headers, padding, junk lines and a BEGIN after text on its line, mutated at
 *  random (insertions of PEM's own pieces: dashes, BEGIN/END, line ends, spaces, colons, padding;
 *  deletions; overwrites), through filterPEM for one of its types: Go's pem.Decode rules, case by case.
 *  Deterministic for a seed. */
export function generatedPemCases(n: number, seed: number): Case[] {
  const base = "junk\n-----BEGIN A-----\nK: v\n\nQUFB\nQQ==\n-----END A-----\n-----BEGIN B-----\nQUJD\n-----END B-----\ntext -----BEGIN A-----\nQUFB\n-----END A-----\n";
  const pieces = ["-", "\n", "\r", " ", "\t", ":", "=", "A", "B", "Q", "E", "N", "D", "G", "I", "-----", "-----BEGIN ", "\n-----END ", "-----END A-----", "x"];
  let state = seed;
  const rnd = (k: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % k;
  };
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    let s = base;
    for (let m = 0, edits = 1 + rnd(4); m < edits; m++) {
      const at = rnd(s.length + 1);
      const op = rnd(3);
      const piece = pieces[rnd(pieces.length)]!;
      s = op === 0 ? s.slice(0, at) + piece + s.slice(at) : op === 1 ? s.slice(0, at) + s.slice(at + 1 + rnd(5)) : s.slice(0, at) + piece + s.slice(at + piece.length);
    }
    cases.push({ name: `pem mutation ${i}`, template: `{{ .s | filterPEM "${["A", "B", "a"][rnd(3)]}" }}`, data: { s } });
  }
  return cases;
}
