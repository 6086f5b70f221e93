// The realistic template the budget's default step limit is measured against (budget.ts): the Sprig part
// of test/differential/cases-realistic.ts (checked against Go there) plus what needs ESO's functions, a
// CA bundle of 50 certificates through filterPEM and a PKCS#12 keystore, over real certificates.
import { REALISTIC_SPRIG_TEMPLATE, realisticValues } from "../../differential/cases-realistic.ts";
import { stringData } from "../../../src/template/engine.ts";
import type { GoMap } from "../../../src/template/values.ts";
import { testPki } from "./pki.ts";

export const REALISTIC_TEMPLATE = `${REALISTIC_SPRIG_TEMPLATE}ca.crt: |
{{- range $k, $v := . }}{{ if hasSuffix ".crt" $k }}{{ $v | filterPEM "CERTIFICATE" | nindent 2 }}{{ end }}{{ end }}
keystore.p12: {{ fullPemToPkcs12 (index . "tls.crt") (index . "tls.key") }}
`;

export function realisticData(): GoMap {
  const pki = testPki();
  const values = realisticValues([pki.leafPem, pki.intermediatePem, pki.rootPem], pki.leafKeyPem);
  return stringData(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))])));
}
