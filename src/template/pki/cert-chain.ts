// ESO's certificate chain ordering (runtime/template/v2/pem_chain.go, used by filterCertChain and
// pkcs12cert): a certificate's parent is the first other certificate whose subject key identifier equals
// its authority key identifier (absent ids compare equal, as Go's bytes.Equal on nil); the one
// certificate that is nobody's parent is the leaf; the chain runs leaf -> parents. No signature, validity
// or CA check: it orders, it does not verify.
import { budget } from "../budget.ts";
import { certificateProblem, keyIds, type KeyIds } from "./x509-fields.ts";

/** A failure with ESO's (or Go x509's) text. */
export class ChainError extends Error {}

export interface ChainCert {
  der: Buffer;
  ids: KeyIds;
}

/** Parses each DER as Go's x509.ParseCertificate would accept it. */
export function parseCert(der: Buffer): ChainCert {
  const problem = certificateProblem(der);
  if (problem) throw new ChainError(problem);
  return { der, ids: keyIds(der) };
}

const authority = (c: ChainCert): Buffer => c.ids.authority ?? Buffer.alloc(0);

/** Leaf first, root (or the last parent found) last. Quadratic in the number of certificates, as ESO's:
 *  a 1 MiB bundle holds up to ~2,500, so each comparison (a native Buffer.equals, ~50-100 ns) is a step. */
export function orderChain(certs: ChainCert[]): ChainCert[] {
  budget().step(certs.length * certs.length);
  const parent = new Array<number | undefined>(certs.length);
  const isParent = new Array<boolean>(certs.length).fill(false);
  certs.forEach((c, i) => {
    const j = certs.findIndex((p, k) => k !== i && authority(c).equals(p.ids.subject));
    if (j >= 0) {
      isParent[j] = true;
      parent[i] = j;
    }
  });
  const leaves = certs.map((_, i) => i).filter((i) => !isParent[i]);
  if (leaves.length > 1) throw new ChainError("found multiple leaf or disjunct certificates");
  if (leaves.length === 0) throw new ChainError("no leaf certificate found");
  const out: ChainCert[] = [];
  for (let at: number | undefined = leaves[0]; at !== undefined; at = parent[at]) {
    if (out.length >= certs.length) throw new ChainError("constructing chain resulted in cycle");
    out.push(certs[at]!);
  }
  return out;
}

/** ESO's isRootCertificate: no authority key id, or one equal to its own subject key id. */
export const isRoot = (c: ChainCert): boolean => c.ids.authority === undefined || c.ids.authority.equals(c.ids.subject);
