{{/* Object names: <release>-<chart> unless overridden, cut to 40 characters so suffixes still fit in 63. */}}
{{- define "floe-airflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "floe-airflow.fullname" -}}
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

{{- define "floe-airflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "floe-airflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "floe-airflow.labels" -}}
{{ include "floe-airflow.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: floe
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "floe-airflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "floe-airflow.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* image: call with (dict "image" .Values.x.image "root" $) */}}
{{- define "floe-airflow.image" -}}
{{- printf "%s:%s" .image.repository (required "image tag is empty: set the image tag in values" .image.tag) -}}
{{- end -}}

{{- define "floe-airflow.secretName" -}}
{{- /* call with (list $ .Values.x.existingSecret "suffix") */ -}}
{{- $root := index . 0 -}}
{{- default (printf "%s-%s" (include "floe-airflow.fullname" $root) (index . 2)) (index . 1) -}}
{{- end -}}

{{- define "floe-airflow.apiServerService" -}}
{{- printf "%s-api-server" (include "floe-airflow.fullname" .) -}}
{{- end -}}

{{- define "floe-airflow.dagsConfigMap" -}}
{{- default (printf "%s-dags" (include "floe-airflow.fullname" .)) .Values.dags.configMap.name -}}
{{- end -}}

{{/* PSS "restricted" for every container. */}}
{{- define "floe-airflow.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "floe-airflow.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Secrets reach Airflow only as references; everything else is in airflow.cfg. */}}
{{- define "floe-airflow.env" -}}
- name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
  valueFrom:
    secretKeyRef:
      name: {{ include "floe-airflow.secretName" (list . .Values.metadataDatabase.existingSecret "metadata") }}
      key: {{ .Values.metadataDatabase.connectionKey }}
- name: AIRFLOW__API_AUTH__JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "floe-airflow.secretName" (list . .Values.jwtSecret.existingSecret "jwt") }}
      key: {{ .Values.jwtSecret.key }}
{{- if .Values.fernetKey.existingSecret }}
- name: AIRFLOW__CORE__FERNET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.fernetKey.existingSecret }}
      key: {{ .Values.fernetKey.key }}
{{- end }}
{{- if eq .Values.executor "CeleryExecutor" }}
- name: AIRFLOW__CELERY__BROKER_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "floe-airflow.secretName" (list . .Values.celery.brokerUrl.existingSecret "broker") }}
      key: {{ .Values.celery.brokerUrl.key }}
{{- end }}
{{- include "floe-airflow.dbtEnv" . }}
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
dbt writes target/ and logs/ into the project unless told otherwise, and the image's project (or the
DAGs' ConfigMap) is read-only: both go to the dbt-work emptyDir. Before the chart's `env`, which can override them.
*/}}
{{- define "floe-airflow.dbtWorkDir" -}}/opt/floe/dbt-work{{- end -}}

{{- define "floe-airflow.dbtEnv" }}
- name: DBT_TARGET_PATH
  value: {{ printf "%s/target" (include "floe-airflow.dbtWorkDir" .) | quote }}
- name: DBT_LOG_PATH
  value: {{ printf "%s/logs" (include "floe-airflow.dbtWorkDir" .) | quote }}
{{- end -}}

{{/* The root filesystem is read-only: logs, dbt's output and scratch space are emptyDirs; airflow.cfg and DAGs are mounted. */}}
{{- define "floe-airflow.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: dbt-work
  mountPath: {{ include "floe-airflow.dbtWorkDir" . }}
- name: logs
  mountPath: /opt/airflow/logs
- name: config
  mountPath: /opt/airflow/airflow.cfg
  subPath: airflow.cfg
  readOnly: true
{{- if eq .Values.dags.source "configMap" }}
- name: dags
  mountPath: {{ .Values.dags.path }}
  readOnly: true
{{- end }}
{{- if eq .Values.executor "KubernetesExecutor" }}
- name: pod-template
  mountPath: /opt/airflow/pod_templates
  readOnly: true
{{- end }}
{{- end -}}

{{- define "floe-airflow.volumes" -}}
- name: tmp
  emptyDir: {}
- name: dbt-work
  emptyDir: {}
- name: logs
  emptyDir: {}
- name: config
  configMap:
    name: {{ include "floe-airflow.fullname" . }}-config
{{- if eq .Values.dags.source "configMap" }}
- name: dags
  configMap:
    name: {{ include "floe-airflow.dagsConfigMap" . }}
{{- end }}
{{- if eq .Values.executor "KubernetesExecutor" }}
- name: pod-template
  configMap:
    name: {{ include "floe-airflow.fullname" . }}-pod-template
{{- end }}
{{- end -}}

{{/* Components start once the metadata database is at this Airflow version's schema. */}}
{{- define "floe-airflow.waitForMigrations" -}}
- name: wait-for-migrations
  image: {{ include "floe-airflow.image" (dict "image" .root.Values.image "root" .root) }}
  imagePullPolicy: {{ .root.Values.image.pullPolicy }}
  args: ["airflow", "db", "check-migrations", "--migration-wait-timeout", "600"]
  env:
    {{- include "floe-airflow.env" .root | nindent 4 }}
  securityContext:
    {{- include "floe-airflow.containerSecurityContext" .root | nindent 4 }}
  resources:
    {{- toYaml .resources | nindent 4 }}
  volumeMounts:
    {{- include "floe-airflow.volumeMounts" .root | nindent 4 }}
{{- end -}}

{{/*
A component Deployment. Call with (dict "root" $ "component" "scheduler" "values" .Values.scheduler
"args" (list …) "probe" (dict …) "ports" (list …) "automountToken" bool).
*/}}
{{- define "floe-airflow.deployment" -}}
{{- $root := .root -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "floe-airflow.fullname" $root }}-{{ .component }}
  labels:
    {{- include "floe-airflow.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  replicas: {{ .values.replicas }}
  selector:
    matchLabels:
      {{- include "floe-airflow.selectorLabels" $root | nindent 6 }}
      app.kubernetes.io/component: {{ .component }}
  template:
    metadata:
      labels:
        {{- include "floe-airflow.labels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ .component }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmaps.yaml") $root | sha256sum }}
    spec:
      serviceAccountName: {{ include "floe-airflow.serviceAccountName" $root }}
      automountServiceAccountToken: {{ .automountToken }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "floe-airflow.podSecurityContext" $root | nindent 8 }}
      {{- if $root.Values.migrations.enabled }}
      initContainers:
        {{- include "floe-airflow.waitForMigrations" (dict "root" $root "resources" .values.resources) | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "floe-airflow.image" (dict "image" $root.Values.image "root" $root) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args:
            {{- toYaml .args | nindent 12 }}
          env:
            {{- include "floe-airflow.env" $root | nindent 12 }}
          {{- with .ports }}
          ports:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          readinessProbe:
            {{- toYaml .probe | nindent 12 }}
            initialDelaySeconds: 15
            periodSeconds: 30
            timeoutSeconds: 30
            failureThreshold: 3
          livenessProbe:
            {{- toYaml .probe | nindent 12 }}
            initialDelaySeconds: 60
            periodSeconds: 60
            timeoutSeconds: 30
            failureThreshold: 5
          securityContext:
            {{- include "floe-airflow.containerSecurityContext" $root | nindent 12 }}
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          volumeMounts:
            {{- include "floe-airflow.volumeMounts" $root | nindent 12 }}
      volumes:
        {{- include "floe-airflow.volumes" $root | nindent 8 }}
{{- end -}}
