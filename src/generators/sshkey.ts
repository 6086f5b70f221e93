// ESO's SSHKey generator: privateKey (OpenSSH format) and publicKey (authorized_keys line). Keys come from
// node:crypto's async generateKeyPair (the thread pool: an RSA 4096 key takes a noticeable fraction of a second
// and must not stall the event loop); sizes are ESO's documented ones, anything else is refused rather than
// spending CPU on it (ESO passes any RSA size to Go and falls back to P-256 for an unknown ECDSA size).
import { generateKeyPair, type JsonWebKey, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { SSHKeySpec } from "../api/generators.ts";
import { privateKeyPem, publicKeyLine, sshMpint, sshString, type SshKeyParts } from "./openssh.ts";
import { GeneratorError, utf8, type Generator } from "./types.ts";

const generate = promisify(generateKeyPair) as (type: string, options: object) => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>;

export const RSA_SIZES = [2048, 3072, 4096];
export const ECDSA_CURVES: Record<number, { jwk: string; ssh: string }> = {
  256: { jwk: "P-256", ssh: "nistp256" },
  384: { jwk: "P-384", ssh: "nistp384" },
  521: { jwk: "P-521", ssh: "nistp521" },
};

const b64u = (text: string | undefined): Buffer => Buffer.from(text ?? "", "base64url");

async function jwkPair(type: string, options: object): Promise<JsonWebKey> {
  const { privateKey } = await generate(type, options);
  return privateKey.export({ format: "jwk" });
}

async function rsaParts(bits: number): Promise<SshKeyParts> {
  const k = await jwkPair("rsa", { modulusLength: bits, publicExponent: 0x10001 });
  const [n, e, d, p, q, qi] = [k.n, k.e, k.d, k.p, k.q, k.qi].map((field) => sshMpint(b64u(field)));
  return { type: "ssh-rsa", publicFields: [e!, n!], privateFields: [n!, e!, d!, qi!, p!, q!] };
}

async function ed25519Parts(): Promise<SshKeyParts> {
  const k = await jwkPair("ed25519", {});
  const pub = b64u(k.x);
  // OpenSSH stores the 32-byte seed followed by the public key.
  return { type: "ssh-ed25519", publicFields: [sshString(pub)], privateFields: [sshString(pub), sshString(Buffer.concat([b64u(k.d), pub]))] };
}

async function ecdsaParts(bits: number): Promise<SshKeyParts> {
  const curve = ECDSA_CURVES[bits]!;
  const k = await jwkPair("ec", { namedCurve: curve.jwk });
  const point = sshString(Buffer.concat([Buffer.from([4]), b64u(k.x), b64u(k.y)]));
  const type = `ecdsa-sha2-${curve.ssh}`;
  return { type, publicFields: [sshString(curve.ssh), point], privateFields: [sshString(curve.ssh), point, sshMpint(b64u(k.d))] };
}

/** Call after sshKey.problem: sizes are checked there. */
async function keyParts(spec: SSHKeySpec): Promise<SshKeyParts> {
  const keyType = spec.keyType ?? "rsa";
  if (keyType === "ed25519") return ed25519Parts();
  if (keyType === "ecdsa") return ecdsaParts(spec.keySize ?? 256);
  return rsaParts(spec.keySize ?? 2048);
}

export const sshKey: Generator<SSHKeySpec> = {
  kind: "SSHKey",
  specKey: "sshKeySpec",
  spec: SSHKeySpec,
  problem(spec) {
    // A line break would end the authorized_keys line and start another one of the tenant's choosing.
    if (/[\r\n\0]/.test(spec.comment ?? "")) return "comment must be a single line";
    const keyType = spec.keyType ?? "rsa";
    if (keyType === "ecdsa" && !ECDSA_CURVES[spec.keySize ?? 256]) return `keySize ${spec.keySize} is not an ECDSA size (256, 384 or 521)`;
    if (keyType === "rsa" && !RSA_SIZES.includes(spec.keySize ?? 2048)) return `keySize ${spec.keySize} is not an RSA size we generate (${RSA_SIZES.join(", ")})`;
    return undefined;
  },
  async generate(spec) {
    const problem = sshKey.problem(spec);
    if (problem) throw new GeneratorError(`SSHKey: ${problem}`);
    const comment = spec.comment ?? "";
    const parts = await keyParts(spec);
    return { privateKey: utf8(privateKeyPem(parts, comment)), publicKey: utf8(publicKeyLine(parts, comment)) };
  },
};
