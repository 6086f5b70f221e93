// Differential cases reconstructed from ESO's templating guides and common GitOps usage:
// dockerconfigjson, JDBC/connection URLs, JSON flattening, YAML/properties config files, key mapping.
import type { Case } from "./go-render.ts";

const REG = { registry: "ghcr.io", user: "bot", password: "t0k3n/+=", email: "bot@example.com" };
const DB = { host: "db.internal", port: "5432", db: "orders", user: "app user", password: "p&ss=w?rd#1" };
const CFG = { config: '{"log_level":"debug","replicas":3,"features":{"a":true,"b":false},"endpoints":["x","y"],"ratio":0.75}' };

const t = (name: string, template: string, data: Record<string, string>): Case => ({ name, template, data });

export const esoCases: Case[] = [
  t("dockerconfigjson printf", '{{ printf "{\\"auths\\":{\\"%s\\":{\\"auth\\":\\"%s\\"}}}" .registry (printf "%s:%s" .user .password | b64enc) }}', REG),
  t("dockerconfigjson inline", '{"auths":{"{{ .registry }}":{"username":"{{ .user }}","password":"{{ .password }}","auth":"{{ printf "%s:%s" .user .password | b64enc }}"}}}', REG),
  t("dockerconfigjson toJson", '{{ dict "auths" (dict .registry (dict "username" .user "password" .password "email" .email "auth" (printf "%s:%s" .user .password | b64enc))) | toJson }}', REG),
  t("dockerconfigjson pretty", '{{ dict "auths" (dict .registry (dict "auth" (cat .user .password | replace " " ":" | b64enc))) | toPrettyJson }}', REG),
  t("jdbc url", "jdbc:postgresql://{{ .host }}:{{ .port }}/{{ .db }}?user={{ .user | urlquery }}&password={{ .password | urlquery }}", DB),
  t("postgres dsn", 'postgres://{{ .user | urlquery }}:{{ .password | urlquery }}@{{ .host }}:{{ .port | default "5432" }}/{{ .db }}?sslmode=require', DB),
  t("mysql dsn printf", '{{ printf "%s:%s@tcp(%s:%s)/%s" .user .password .host .port .db }}', DB),
  t("connection string quoted", 'Server={{ .host }},{{ .port }};Database={{ .db }};User Id={{ .user | quote }};Password={{ .password | squote }};', DB),
  t("json flattening", "{{ range $k, $v := fromJson .config }}{{ $k }}={{ $v }}\n{{ end }}", CFG),
  t("json flattening upper keys", '{{- range $k, $v := fromJson .config }}{{ $k | upper | replace "." "_" }}={{ toJson $v }}\n{{- end }}', CFG),
  t("json pick key", "{{ (fromJson .config).log_level }}", CFG),
  t("json nested to yaml", '{{ (fromJson .config).features | toYaml }}', CFG),
  t("json whole to yaml", "{{ fromJson .config | toYaml }}", CFG),
  t("json replicas int", '{{ $c := fromJson .config }}replicas: {{ $c.replicas }} ratio: {{ $c.ratio }} {{ int $c.replicas }} {{ printf "%.0f" $c.replicas }}', CFG),
  t("json list join", '{{ (fromJson .config).endpoints | join "," }}', CFG),
  t("yaml config file", "server:\n  host: {{ .host }}\n  port: {{ .port }}\n  database: {{ .db | quote }}\ncredentials:\n  user: {{ .user | quote }}\n  password: {{ .password | quote }}\n", DB),
  t("yaml config via toYaml", '{{ dict "database" (dict "host" .host "port" (atoi .port) "user" .user "password" .password) | toYaml }}', DB),
  t("yaml nindent block", "config.yaml: |{{ dict \"a\" .host \"b\" .db | toYaml | nindent 2 }}", DB),
  t("properties file", '{{- range $k, $v := . }}{{ $k }}={{ $v }}\n{{ end -}}', DB),
  t("env file quoted", '{{- range $k, $v := . }}{{ $k | upper }}={{ $v | quote }}\n{{ end -}}', DB),
  t("ini section", "[database]\nhost = {{ .host }}\nport = {{ .port }}\n{{- if .password }}\npassword = {{ .password }}\n{{- end }}\n", DB),
  t("key with dash via index", '{{ index . "api-key" }}:{{ index . "api-secret" | b64enc }}', { "api-key": "k1", "api-secret": "s1" }),
  t("basic auth header", 'Basic {{ printf "%s:%s" .user .password | b64enc }}', DB),
  t("htpasswd-like literal", "{{ .user }}:{{ .password | sha256sum }}", DB),
  t("redis url with default", '{{ printf "redis://:%s@%s:%s/0" .password .host (default "6379" .port) }}', { password: "x", host: "r", port: "" }),
  t("conditional key", '{{ if hasKey (fromJson .config) "replicas" }}has{{ else }}none{{ end }}', CFG),
  t("ternary env", '{{ ternary "prod" "dev" (eq .db "orders") }}', DB),
  t("dataFrom-style rename", '{{ range $k, $v := . }}{{ $k | trimPrefix "app_" }}{{ end }}', { app_a: "1", app_b: "2", c: "3" }),
  t("b64 decoded cert passthrough", "{{ .tls | b64dec }}", { tls: Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64") }),
  t("multi-line secret indent", "key: |\n{{ .multi | indent 2 }}", { multi: "a\nb\nc" }),
  t("json escape value", '{"password": {{ .password | toJson }}, "user": {{ .user | quote }}}', DB),
  t("sprig list of hosts", '{{ range $i, $h := splitList "," .hosts }}{{ if $i }},{{ end }}{{ $h | trim }}:{{ $.port }}{{ end }}', { hosts: "a, b ,c", port: "9000" }),
  t("kafka jaas", 'org.apache.kafka.common.security.plain.PlainLoginModule required username="{{ .user }}" password="{{ .password }}";', DB),
  t("aws credentials file", "[default]\naws_access_key_id = {{ .id }}\naws_secret_access_key = {{ .secret }}\n", { id: "AKIA", secret: "abc/def" }),
  t("missing key error like ESO", "{{ .notThere }}", DB),
];
