// SSH keys in OpenSSH's formats, checked by OpenSSH itself: `ssh-keygen -y` derives the public key from our
// private key (so the private encoding and the key are right) and `ssh-keygen -l` parses our public line.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sshKey } from "../../../src/generators/sshkey.ts";
import { sshMpint } from "../../../src/generators/openssh.ts";
import { GeneratorError } from "../../../src/generators/types.ts";
import type { SSHKeySpec } from "../../../src/api/generators.ts";

const SSH_KEYGEN = "/usr/bin/ssh-keygen";
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), "sb-sshkey-"))));
after(() => rmSync(dir, { recursive: true, force: true }));

async function roundTrip(spec: SSHKeySpec, name: string): Promise<{ publicKey: string; derived: string; fingerprint: string; privateKey: string }> {
  const out = await sshKey.generate(spec);
  assert.deepEqual(Object.keys(out).sort(), ["privateKey", "publicKey"], "ESO's key names");
  const privateKey = Buffer.from(out.privateKey!).toString();
  const publicKey = Buffer.from(out.publicKey!).toString();
  const privPath = join(dir, name);
  writeFileSync(privPath, privateKey, { mode: 0o600 });
  writeFileSync(`${privPath}.pub`, publicKey);
  const derived = execFileSync(SSH_KEYGEN, ["-y", "-f", privPath], { encoding: "utf8" });
  const fingerprint = execFileSync(SSH_KEYGEN, ["-l", "-f", `${privPath}.pub`], { encoding: "utf8" });
  return { publicKey, derived, fingerprint, privateKey };
}

describe("SSHKey generator (checked with ssh-keygen)", () => {
  const table: Array<{ name: string; spec: SSHKeySpec; type: string; bits: string; label: string }> = [
    { name: "default: rsa 2048, no comment", spec: {}, type: "ssh-rsa", bits: "2048", label: "RSA" },
    { name: "rsa 3072 with a comment", spec: { keyType: "rsa", keySize: 3072, comment: "deploy@ci" }, type: "ssh-rsa", bits: "3072", label: "RSA" },
    { name: "ed25519 with a comment (keySize ignored)", spec: { keyType: "ed25519", keySize: 4096, comment: "me@host" }, type: "ssh-ed25519", bits: "256", label: "ED25519" },
    { name: "ed25519 without a comment", spec: { keyType: "ed25519" }, type: "ssh-ed25519", bits: "256", label: "ED25519" },
    { name: "ecdsa default P-256", spec: { keyType: "ecdsa" }, type: "ecdsa-sha2-nistp256", bits: "256", label: "ECDSA" },
    { name: "ecdsa P-521", spec: { keyType: "ecdsa", keySize: 521, comment: "c" }, type: "ecdsa-sha2-nistp521", bits: "521", label: "ECDSA" },
  ];
  for (const [i, c] of table.entries()) {
    it(c.name, async () => {
      const { publicKey, derived, fingerprint, privateKey } = await roundTrip(c.spec, `key${i}`);
      const comment = c.spec.comment;
      assert.match(publicKey, new RegExp(`^${c.type} AAAA[A-Za-z0-9+/=]+${comment ? ` ${comment}` : ""}\\n$`), "authorized_keys line, as ESO writes it");
      // ssh-keygen -y prints "<type> <blob> <comment>" (the comment stored in the private key).
      assert.equal(derived.trim(), publicKey.trim(), "the private key derives the same public key and carries the comment");
      assert.match(fingerprint, new RegExp(`^${c.bits} SHA256:\\S+ ${comment ?? "no comment"} \\(${c.label}\\)\\n$`));
      assert.match(privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END OPENSSH PRIVATE KEY-----\n$/);
    });
  }

  it("two runs give two different keys", async () => {
    const [a, b] = await Promise.all([sshKey.generate({ keyType: "ed25519" }), sshKey.generate({ keyType: "ed25519" })]);
    assert.notDeepEqual(Buffer.from(a.publicKey!), Buffer.from(b.publicKey!));
  });

  it("sizes outside ESO's documented ones are refused before any work; a multi-line comment is refused", async () => {
    for (const spec of [{ keyType: "rsa", keySize: 8192 }, { keyType: "rsa", keySize: 1024 }, { keySize: 2047 }, { keyType: "ecdsa", keySize: 2048 }, { keyType: "ed25519", comment: "a\nssh-rsa AAAA evil" }] as SSHKeySpec[]) {
      await assert.rejects(sshKey.generate(spec), GeneratorError, JSON.stringify(spec));
    }
  });

  it("mpint: minimal, a leading zero byte when the top bit is set, empty for zero", () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
    assert.equal(hex(sshMpint(Buffer.from([0x00, 0x00, 0x7f]))), "000000017f");
    assert.equal(hex(sshMpint(Buffer.from([0x80]))), "000000020080");
    assert.equal(hex(sshMpint(Buffer.from([0x00]))), "00000000");
  });
});
