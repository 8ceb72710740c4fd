{{/* The release's full name: the Service, Deployment, ServiceAccount and RBAC objects are called this. */}}
{{- define "legate-apiext.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains "legate-apiext" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-legate-apiext" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "legate-apiext.secretName" -}}
{{- default (printf "%s-certs" (include "legate-apiext.fullname" .)) .Values.secretName -}}
{{- end -}}

{{- define "legate-apiext.selectorLabels" -}}
app.kubernetes.io/name: {{ include "legate-apiext.fullname" . }}
{{- end -}}

{{- define "legate-apiext.labels" -}}
{{ include "legate-apiext.selectorLabels" . }}
app.kubernetes.io/part-of: legate
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
