// The largest realistic template we know, as one templateFrom ConfigMap over 1,000 fetched keys: a
// dockerconfigjson for 300 registries (dict/set/printf/b64enc/toJson), an env file (upper/replace/quote)
// and a YAML config of 349 JSON entries (fromJson/toYaml/nindent), and a key list collected with append
// (quadratic, as people write it). The budget's default step limit is measured against it (with the ESO
// functions test/unit/template/realistic-template.ts adds); the differential suite checks it against Go.
import type { Case } from "./go-render.ts";

export const REALISTIC_SPRIG_TEMPLATE = `
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
{{- $names := list }}
{{- range $k, $_ := . }}{{ $names = append $names $k }}{{ end }}
keys: {{ join "," $names | quote }}
`;

/** 1,000 keys: 300 registry user/password pairs, 349 JSON config entries, 50 PEM texts (cycling through
 *  `pems`, the last one also as tls.crt) and a key. */
export function realisticValues(pems: string[], keyPem: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (let i = 0; i < 300; i++) {
    data[`reg-${i}_user`] = `robot$team-${i}`;
    data[`reg-${i}_password`] = `p@ss-${i}-${"x".repeat(i % 40)}`;
  }
  for (let i = 0; i < 349; i++) data[`cfg_setting-${i}`] = JSON.stringify({ enabled: i % 2 === 0, replicas: i, ratio: i / 8, endpoint: `https://svc-${i}.internal:8443/v1`, tags: ["a", "b", `t${i}`] });
  for (let i = 0; i < 49; i++) data[`ca-${i}.crt`] = pems[i % pems.length]!;
  data["tls.crt"] = pems.join("");
  data["tls.key"] = keyPem;
  return data;
}

const pem = (n: number) => `-----BEGIN CERTIFICATE-----\n${Buffer.alloc(600, n).toString("base64").replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE-----\n`;

export const realisticCases: Case[] = [{ name: "realistic 1,000-key templateFrom", template: REALISTIC_SPRIG_TEMPLATE, data: realisticValues([pem(1), pem(2), pem(3)], "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }];
