// Sprig's getBaseCertTemplate: the certificate template every gen* function starts from (CN, SANs from IPs and
// DNS names that must each be a string, validity from now for daysValid days), with Sprig's error texts.
import { GoError } from "../func-types.ts";
import { formatValue } from "../fmt.ts";
import { fromBin } from "../gostr.ts";
import { parseAddr } from "../go-netip.ts";
import type { GoValue } from "../values.ts";
import type { CertTemplate } from "./create.ts";

/** net.ParseIP: netip.ParseAddr without a zone, as 4 or 16 bytes. */
function ipBytes(s: string): Buffer | undefined {
  if (s.includes("%")) return undefined;
  let kind: "v4" | "v6";
  try {
    kind = parseAddr(s);
  } catch {
    return undefined;
  }
  if (kind === "v4") return Buffer.from(s.split(".").map(Number));
  const groups = (part: string): number[] =>
    part === "" ? [] : part.split(":").flatMap((g) => (g.includes(".") ? ((o) => [o[0]! * 256 + o[1]!, o[2]! * 256 + o[3]!])(g.split(".").map(Number)) : [parseInt(g, 16)]));
  const [l, r] = s.includes("::") ? s.split("::") : [s, undefined];
  const left = groups(l!);
  const right = r === undefined ? [] : groups(r);
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

/** getBaseCertTemplate: IPs and DNS names (each must be a string), validity from now for daysValid days. */
export function baseTemplate(cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: bigint, isCA = false): CertTemplate {
  const ipList = (ips ?? []).map((ip) => {
    if (typeof ip !== "string") throw new GoError(`error parsing ip: ${fromBin(formatValue(ip))} is not a string`);
    const b = ipBytes(ip);
    if (!b) throw new GoError(`error parsing ip: ${fromBin(ip)}`);
    return b;
  });
  const dnsNames = (dns ?? []).map((name) => {
    if (typeof name !== "string") throw new GoError(`error processing alternate dns name: ${fromBin(formatValue(name))} is not a string`);
    return name;
  });
  // time.Now().Add(time.Hour * 24 * time.Duration(daysValid)): the product wraps as Go's int64 nanoseconds do.
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const seconds = (ns: bigint) => (ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n));
  const validNs = BigInt.asIntN(64, 86_400_000_000_000n * days);
  return { commonName: cn, dnsNames, ips: ipList, notBefore: seconds(nowNs), notAfter: seconds(nowNs + validNs), isCA };
}

