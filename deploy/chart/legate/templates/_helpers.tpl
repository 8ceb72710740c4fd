{{/* The release's full name: the Deployment, Service, ServiceAccount and RBAC objects are called this. */}}
{{- define "legate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains "legate" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-legate" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "legate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "legate.fullname" . }}
{{- end -}}

{{- define "legate.labels" -}}
{{ include "legate.selectorLabels" . }}
app.kubernetes.io/part-of: legate
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
