{{- define "secrets-bridge.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "secrets-bridge.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "secrets-bridge.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "secrets-bridge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "secrets-bridge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "secrets-bridge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "secrets-bridge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "secrets-bridge.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The rules the operator needs on namespaced objects, shared by the ClusterRole and the per-namespace Roles. */}}
{{- define "secrets-bridge.namespacedRules" -}}
- apiGroups: [external-secrets.io]
  resources: [externalsecrets, secretstores]
  verbs: [list, watch]
{{- /* get: before a generator runs for a reason the watch cache gives, the ExternalSecret is read live (the cache
     may not have seen our own last status write yet, which would generate twice). */}}
- apiGroups: [external-secrets.io]
  resources: [externalsecrets]
  verbs: [get]
- apiGroups: [external-secrets.io]
  resources: [externalsecrets/status, secretstores/status]
  verbs: [patch]
{{- /* dataFrom[].sourceRef.generatorRef: one live GET of the generator per sync (nothing is watched). */}}
- apiGroups: [generators.external-secrets.io]
  resources: [passwords, uuids, sshkeys, fakes, vaultdynamicsecrets, stssessiontokens, ecrauthorizationtokens, webhooks]
  verbs: [get]
{{- if .Values.generatorState.enabled }}
{{- /* GeneratorStates: watched; created after a stateful generator's run, given a deadline (patch), deleted at it,
     and our finalizer removed (patch) once what they name is revoked. */}}
- apiGroups: [generators.external-secrets.io]
  resources: [generatorstates]
  verbs: [list, watch, create, patch, delete]
{{- end }}
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get]
- apiGroups: [""]
  resources: [serviceaccounts]
  verbs: [get]
{{- if .Values.rbac.serviceAccountTokenCreate }}
- apiGroups: [""]
  resources: [serviceaccounts/token]
  verbs: [create]
{{- end }}
- apiGroups: [""]
  resources: [events]
  verbs: [create]
{{- if .Values.rolloutRestarts.enabled }}
{{- /* spec.target.rolloutRestartTargets: read and patch the pod template of the named workloads; with
     reloaderAnnotations, list a namespace's workloads after one of its Secrets changed (nothing is watched). */}}
- apiGroups: [apps]
  resources: [deployments, statefulsets, daemonsets]
  verbs: {{ if .Values.rolloutRestarts.reloaderAnnotations }}[get, list, patch]{{ else }}[get, patch]{{ end }}
{{- end }}
{{- if .Values.pushSecret.enabled }}
{{- /* PushSecrets: watched, status written; patch sets and clears the finalizer of deletionPolicy Delete. The Secrets
     they push are read (get, and watched per namespace that has PushSecrets) with the secrets verbs above. */}}
- apiGroups: [external-secrets.io]
  resources: [pushsecrets]
  verbs: [list, watch, patch]
- apiGroups: [external-secrets.io]
  resources: [pushsecrets/status]
  verbs: [patch]
{{- end }}
{{- if .Values.receiver.enabled }}
{{- /* RefreshReceivers: watched, status written (and read again by a sharded replica sharing a call after a
conflict); their token Secrets are read with the secrets get above. */}}
- apiGroups: [secrets-bridge.io]
  resources: [refreshreceivers]
  verbs: [list, watch]
- apiGroups: [secrets-bridge.io]
  resources: [refreshreceivers/status]
  verbs: [get, patch]
{{- end }}
{{- if .Values.genericTargets.enabled }}
{{- /* target.manifest kinds (values.yaml genericTargets): writable by every tenant through its ExternalSecrets. */}}
{{- toYaml .Values.genericTargets.resources | nindent 0 }}
{{- end }}
{{- end -}}


{{/* metrics.auth is one of kubernetes, none. */}}
{{- define "secrets-bridge.metricsAuth" -}}
{{- if not (has .Values.metrics.auth (list "kubernetes" "none")) -}}
{{- fail (printf "metrics.auth must be kubernetes or none, not %q" .Values.metrics.auth) -}}
{{- end -}}
{{- .Values.metrics.auth -}}
{{- end -}}

{{/* shards is off or auto (a bare `off` in a values file is YAML's false: read as off). Fails on anything else. */}}
{{- define "secrets-bridge.shards" -}}
{{- $mode := toString .Values.shards -}}
{{- if eq $mode "false" -}}{{- $mode = "off" -}}{{- end -}}
{{- if not (has $mode (list "off" "auto")) -}}
{{- fail (printf "shards must be off or auto, not %q" $mode) -}}
{{- end -}}
{{- $mode -}}
{{- end -}}

{{/* Whether one leader takes the webhook calls (leader election, not shards=auto): it labels its own Pod and the
webhooks Service selects it. Sharded, every member takes calls and shares them with the others. */}}
{{- define "secrets-bridge.webhooksByLeader" -}}
{{- if and .Values.receiver.enabled .Values.leaderElection.enabled (ne (include "secrets-bridge.shards" .) "auto") -}}true{{- end -}}
{{- end -}}
