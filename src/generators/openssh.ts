// OpenSSH key encodings (RFC 4253 wire format, PROTOCOL.key's openssh-key-v1): node's crypto exports keys as
// PEM/DER (PKCS#1, PKCS#8, SPKI, SEC1) or JWK but not in OpenSSH's formats, and ESO's SSHKey generator emits
// both an authorized_keys line and an unencrypted "OPENSSH PRIVATE KEY" (Go's ssh.MarshalPrivateKey), so we
// write them here from the JWK fields. Output is checked with ssh-keygen in test/unit/generators/sshkey.test.ts.
import { randomBytes } from "node:crypto";

/** The key material an OpenSSH key is written from: the public blob's fields and the private section's. */
export interface SshKeyParts {
  /** "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256" ... */
  type: string;
  /** Fields of the public key blob after the type name. */
  publicFields: Uint8Array[];
  /** Fields of the private section after the type name (before the comment). */
  privateFields: Uint8Array[];
}

const u32 = (n: number): Uint8Array => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
};

/** An SSH "string": uint32 length, then the bytes. */
export const sshString = (bytes: Uint8Array | string): Uint8Array => {
  const body = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  return Buffer.concat([u32(body.length), body]);
};

/** An SSH "mpint" from an unsigned big-endian integer: minimal, with a 0x00 byte when the top bit is set. */
export function sshMpint(unsigned: Uint8Array): Uint8Array {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  const body = trimmed.length > 0 && trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return sshString(body);
}

export function publicBlob(parts: SshKeyParts): Uint8Array {
  return Buffer.concat([sshString(parts.type), ...parts.publicFields]);
}

/** The authorized_keys line ESO writes: "<type> <base64 blob>[ <comment>]\n". */
export function publicKeyLine(parts: SshKeyParts, comment: string): string {
  const line = `${parts.type} ${Buffer.from(publicBlob(parts)).toString("base64")}`;
  return `${comment ? `${line} ${comment}` : line}\n`;
}

/** An unencrypted openssh-key-v1 private key in PEM armour (64-column lines, as Go's pem package writes). */
export function privateKeyPem(parts: SshKeyParts, comment: string): string {
  // The two equal check integers let a reader tell a wrong passphrase; unencrypted keys still carry them.
  const check = randomBytes(4);
  const section = [check, check, sshString(parts.type), ...parts.privateFields, sshString(comment)];
  let length = section.reduce((sum, part) => sum + part.length, 0);
  const padding: number[] = [];
  for (let i = 1; length % 8 !== 0; i++, length++) padding.push(i);
  const privateSection = Buffer.concat([...section, Buffer.from(padding)]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    sshString("none"), // cipher
    sshString("none"), // kdf
    sshString(new Uint8Array(0)), // kdf options
    u32(1), // one key
    sshString(publicBlob(parts)),
    sshString(privateSection),
  ]);
  const lines = body.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
