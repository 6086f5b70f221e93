// SOPS files come from tenants (a ConfigMap, a Secret, a Git repository they push to) and are parsed before
// their MAC can be checked: parsing and decryption run in an isolation worker, so a hostile document costs
// a worker (time or memory limit), never the operator's main thread.
import { ConfigError } from "../../src/provider/errors.ts";
import { IsolationError, isolated, moduleBeside } from "../../src/isolation/index.ts";
import type { DecryptedFile } from "./decrypt.ts";
import { SopsError, sopsError } from "./errors.ts";

const DECRYPT_MODULE = moduleBeside(import.meta.url, "./decrypt.ts").href;

/** decryptFile in a worker; `key` names the store and file, so a file that blew a limit gets the suspect lane. */
export async function decryptIsolated(bytes: Uint8Array, file: string, identities: readonly string[], key: string): Promise<DecryptedFile> {
  try {
    return await isolated<DecryptedFile>({ module: DECRYPT_MODULE, fn: "decryptFile", args: [bytes, file, identities] }, { key, errors: [SopsError, ConfigError] });
  } catch (err) {
    if (err instanceof IsolationError) throw sopsError("InvalidSopsFile", `reading ${file} ${err.message}`);
    throw err;
  }
}
