// The largest realistic template we measure the budget's default step limit against: one templateFrom
// ConfigMap over 1,000 fetched keys that builds a dockerconfigjson for 300 registries, an env file, a
// YAML config from 349 JSON entries, a CA bundle from 50 certificates, a key list collected with append
// (quadratic, as people write it) and a PKCS#12 keystore. Each part is a pattern from ESO's guides.
import { stringData } from "../../../src/template/engine.ts";
import type { GoMap } from "../../../src/template/values.ts";
import { testPki } from "./pki.ts";

export const REALISTIC_TEMPLATE = `
{{- $auths := dict }}
{{- range $k, $v := . }}
{{- if hasSuffix "_password" $k }}
{{- $reg := trimSuffix "_password" $k }}
{{- $user := index $ (printf "%s_user" $reg) }}
{{- $_ := set $auths (printf "%s.registry.example.com" $reg) (dict "username" $user "password" $v "auth" (printf "%s:%s" $user $v | b64enc)) }}
{{- end }}
{{- end }}
.dockerconfigjson: {{ dict "auths" $auths | toJson | b64enc }}
app.env: |
{{- range $k, $v := . }}
{{- if hasPrefix "cfg_" $k }}
  {{ $k | trimPrefix "cfg_" | upper | replace "-" "_" }}={{ $v | quote }}
{{- end }}
{{- end }}
{{- $cfg := dict }}
{{- range $k, $v := . }}{{ if hasPrefix "cfg_" $k }}{{ $_ := set $cfg (trimPrefix "cfg_" $k) (fromJson $v) }}{{ end }}{{ end }}
config.yaml: |{{ toYaml $cfg | nindent 2 }}
ca.crt: |
{{- range $k, $v := . }}{{ if hasSuffix ".crt" $k }}{{ $v | filterPEM "CERTIFICATE" | nindent 2 }}{{ end }}{{ end }}
{{- $names := list }}
{{- range $k, $_ := . }}{{ $names = append $names $k }}{{ end }}
keys: {{ join "," $names | quote }}
keystore.p12: {{ fullPemToPkcs12 (index . "tls.crt") (index . "tls.key") }}
`;

/** 1,000 keys: 300 registry user/password pairs, 349 JSON config entries, 50 certificates, a leaf key. */
export function realisticData(): GoMap {
  const pki = testPki();
  const data: Record<string, string> = {};
  for (let i = 0; i < 300; i++) {
    data[`reg-${i}_user`] = `robot$team-${i}`;
    data[`reg-${i}_password`] = `p@ss-${i}-${"x".repeat(i % 40)}`;
  }
  for (let i = 0; i < 349; i++) data[`cfg_setting-${i}`] = JSON.stringify({ enabled: i % 2 === 0, replicas: i, endpoint: `https://svc-${i}.internal:8443/v1`, tags: ["a", "b", `t${i}`] });
  const pems = [pki.leafPem, pki.intermediatePem, pki.rootPem];
  for (let i = 0; i < 49; i++) data[`ca-${i}.crt`] = pems[i % 3]!;
  data["tls.crt"] = pki.leafPem + pki.intermediatePem + pki.rootPem;
  data["tls.key"] = pki.leafKeyPem;
  return stringData(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))])));
}
