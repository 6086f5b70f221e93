// Generates the bench's throwaway PKI with the openssl CLI: a CA, the apiserver's serving cert,
// an admin client cert (system:masters) and the RSA key pair that signs service-account tokens.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { binaryPath } from "./binaries.ts";

const run = promisify(execFile);

/** Where each PKI file lives under `<dir>/pki`; fixed names so a restart can find them again. */
export type BenchPki = {
  dir: string;
  caCertPath: string;
  caKeyPath: string;
  servingCertPath: string;
  servingKeyPath: string;
  adminCertPath: string;
  adminKeyPath: string;
  saKeyPath: string;
  saPubPath: string;
};

export function pkiPaths(benchDir: string): BenchPki {
  const dir = join(benchDir, "pki");
  const p = (f: string): string => join(dir, f);
  return {
    dir,
    caCertPath: p("ca.crt"), caKeyPath: p("ca.key"),
    servingCertPath: p("serving.crt"), servingKeyPath: p("serving.key"),
    adminCertPath: p("admin.crt"), adminKeyPath: p("admin.key"),
    saKeyPath: p("sa.key"), saPubPath: p("sa.pub"),
  };
}

// A private config keeps the host's openssl.cnf defaults (v3_ca etc.) from adding duplicate extensions.
const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[serving_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

// EC P-256 for the TLS keys: generated in milliseconds, and Go and Node both accept it.
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Writes a fresh PKI under `<benchDir>/pki`. Throws with openssl's stderr when a step fails. */
export async function generatePki(benchDir: string): Promise<BenchPki> {
  const pki = pkiPaths(benchDir);
  const openssl = binaryPath("openssl");
  const cnf = join(pki.dir, "openssl.cnf");
  await mkdir(pki.dir, { recursive: true });
  await writeFile(cnf, CONFIG);
  const ssl = async (args: string[]): Promise<void> => {
    try {
      await run(openssl, args, { cwd: pki.dir });
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? "";
      throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(err)}`, { cause: err });
    }
  };
  const days = ["-days", "3650"];

  await ssl(["req", "-x509", "-config", cnf, "-extensions", "ca_ext", ...EC_KEY, ...days,
    "-keyout", pki.caKeyPath, "-out", pki.caCertPath, "-subj", "/CN=secrets-bridge-bench-ca"]);

  const leaf = async (name: string, subj: string, ext: string, cert: string, key: string): Promise<void> => {
    const csr = join(pki.dir, `${name}.csr`);
    await ssl(["req", "-new", "-config", cnf, ...EC_KEY, "-keyout", key, "-out", csr, "-subj", subj]);
    await ssl(["x509", "-req", "-in", csr, "-CA", pki.caCertPath, "-CAkey", pki.caKeyPath,
      "-set_serial", `0x${randomBytes(8).toString("hex")}`, ...days,
      "-extfile", cnf, "-extensions", ext, "-out", cert]);
  };
  await leaf("serving", "/CN=kube-apiserver", "serving_ext", pki.servingCertPath, pki.servingKeyPath);
  await leaf("admin", "/O=system:masters/CN=admin", "client_ext", pki.adminCertPath, pki.adminKeyPath);

  // Service-account tokens are signed RS256, so this pair must be RSA.
  await ssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pki.saKeyPath]);
  await ssl(["pkey", "-in", pki.saKeyPath, "-pubout", "-out", pki.saPubPath]);
  return pki;
}
