{{/* Object names: <release>-<chart> unless overridden, cut to 40 characters so suffixes still fit in 63. */}}
{{- define "floe-dagster.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "floe-dagster.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "floe-dagster.selectorLabels" -}}
app.kubernetes.io/name: {{ include "floe-dagster.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "floe-dagster.labels" -}}
{{ include "floe-dagster.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: floe
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "floe-dagster.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "floe-dagster.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* image: call with (dict "image" .Values.x.image "root" $) */}}
{{- define "floe-dagster.image" -}}
{{- printf "%s:%s" .image.repository (required "image tag is empty: set the image tag in values" .image.tag) -}}
{{- end -}}

{{- define "floe-dagster.databaseHost" -}}
{{- /* Empty means the trial PostgreSQL's service; NOTES.txt warns when that is not enabled. */ -}}
{{- default (printf "%s-postgresql" (include "floe-dagster.fullname" .)) .Values.database.host -}}
{{- end -}}

{{- define "floe-dagster.databaseSecret" -}}
{{- default (printf "%s-database" (include "floe-dagster.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{- define "floe-dagster.instanceConfigMap" -}}
{{- printf "%s-instance" (include "floe-dagster.fullname" .) -}}
{{- end -}}

{{- define "floe-dagster.userCodeService" -}}
{{- printf "%s-user-code" (include "floe-dagster.fullname" .) -}}
{{- end -}}

{{/*
The code locations the release serves, as a YAML list: name, module, pythonFile, workingDirectory, port,
objectName (its Deployment and Service) and key (its pods' floe.dev/code-location label; empty for the
single form). userCode.codeLocations when it lists any: one gRPC server each, objects
"<fullname>-uc-<name as a DNS label, cut to fit>-<6 hex digits of the name's SHA-256>" (distinct even
where two names cut alike). Otherwise the single userCode.codeLocation, objects "<fullname>-user-code".
*/}}
{{- define "floe-dagster.codeLocations" -}}
{{- $fullname := include "floe-dagster.fullname" . -}}
{{- $locations := list -}}
{{- if .Values.userCode.codeLocations -}}
{{- $seen := dict -}}
{{- range $i, $l := .Values.userCode.codeLocations -}}
{{- if hasKey $seen $l.name -}}
{{- fail (printf "userCode.codeLocations[%d].name: %q is already the name of another code location (Dagster needs distinct location names)" $i $l.name) -}}
{{- end -}}
{{- $_ := set $seen $l.name true -}}
{{- if not (or $l.module $l.pythonFile) -}}
{{- fail (printf "userCode.codeLocations[%d]: set module (floe generate output: floe_<product>.definitions) or pythonFile" $i) -}}
{{- end -}}
{{- $hash := $l.name | sha256sum | trunc 6 -}}
{{- /* 63 characters: fullname, "-uc-", the name, "-", 6 hex digits. */ -}}
{{- $room := sub 63 (add (len $fullname) 11) | int -}}
{{- $slug := regexReplaceAll "[^a-z0-9]+" (lower $l.name) "-" | trimPrefix "-" | trunc $room | trimSuffix "-" -}}
{{- $key := $hash -}}
{{- if $slug -}}{{- $key = printf "%s-%s" $slug $hash -}}{{- end -}}
{{- $locations = append $locations (dict "name" $l.name "module" (default "" $l.module) "pythonFile" (default "" $l.pythonFile) "workingDirectory" (default "/opt/dagster/app" $l.workingDirectory) "port" (default $.Values.userCode.port $l.port) "objectName" (printf "%s-uc-%s" $fullname $key) "key" $key) -}}
{{- end -}}
{{- else -}}
{{- $l := .Values.userCode.codeLocation -}}
{{- if not (or $l.module $l.pythonFile) -}}
{{- fail "userCode.codeLocation.pythonFile or userCode.codeLocation.module must be set" -}}
{{- end -}}
{{- $locations = append $locations (dict "name" $l.name "module" (default "" $l.module) "pythonFile" (default "" $l.pythonFile) "workingDirectory" $l.workingDirectory "port" .Values.userCode.port "objectName" (include "floe-dagster.userCodeService" .) "key" "") -}}
{{- end -}}
{{- toYaml $locations -}}
{{- end -}}

{{/* PSS "restricted" for every container. */}}
{{- define "floe-dagster.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "floe-dagster.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Environment shared by every Dagster process: where the instance lives and how to reach its database. */}}
{{- define "floe-dagster.instanceEnv" -}}
- name: DAGSTER_HOME
  value: /opt/dagster/dagster_home
- name: DAGSTER_PG_HOST
  value: {{ include "floe-dagster.databaseHost" . | quote }}
- name: DAGSTER_PG_PORT
  value: {{ .Values.database.port | quote }}
- name: DAGSTER_PG_DB
  value: {{ .Values.database.name | quote }}
- name: DAGSTER_PG_USER
  value: {{ .Values.database.user | quote }}
- name: DAGSTER_PG_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "floe-dagster.databaseSecret" . }}
      key: {{ .Values.database.passwordKey }}
{{- end -}}

{{- define "floe-dagster.extraEnv" -}}
{{- range .Values.env }}
- name: {{ .name }}
{{- if .secretKeyRef }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretKeyRef.name }}
      key: {{ .secretKeyRef.key }}
{{- else }}
  value: {{ .value | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
dbt writes target/ (manifest, run results, partial parse) and logs/ into the project unless told
otherwise, and the image's project is on the read-only root filesystem: both go to the dbt-work emptyDir.
dagster-dbt runs each invocation in its own folder under DBT_TARGET_PATH (and sets DBT_LOG_PATH to it).
*/}}
{{- define "floe-dagster.dbtWorkDir" -}}/opt/floe/dbt-work{{- end -}}

{{- define "floe-dagster.dbtEnv" -}}
- name: DBT_TARGET_PATH
  value: {{ printf "%s/target" (include "floe-dagster.dbtWorkDir" .) | quote }}
- name: DBT_LOG_PATH
  value: {{ printf "%s/logs" (include "floe-dagster.dbtWorkDir" .) | quote }}
{{- end -}}

{{/* Writable scratch space: the root filesystem is read-only. */}}
{{- define "floe-dagster.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: dbt-work
  mountPath: {{ include "floe-dagster.dbtWorkDir" . }}
- name: dagster-home
  mountPath: /opt/dagster/dagster_home
- name: instance
  mountPath: /opt/dagster/dagster_home/dagster.yaml
  subPath: dagster.yaml
  readOnly: true
{{- end -}}

{{- define "floe-dagster.volumes" -}}
- name: tmp
  emptyDir: {}
- name: dbt-work
  emptyDir: {}
- name: dagster-home
  emptyDir: {}
- name: instance
  configMap:
    name: {{ include "floe-dagster.instanceConfigMap" . }}
{{- end -}}
