{{/* Chart name, overridable. */}}
{{- define "image-worker.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart unless the release name already contains the chart name. */}}
{{- define "image-worker.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "image-worker.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "image-worker.labels" -}}
helm.sh/chart: {{ include "image-worker.chart" . }}
{{ include "image-worker.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "image-worker.selectorLabels" -}}
app.kubernetes.io/name: {{ include "image-worker.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "image-worker.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "image-worker.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The queue URL KEDA reads: given, or built from the region and the role's account. */}}
{{- define "image-worker.queueUrl" -}}
{{- if .Values.worker.queueUrl }}
{{- .Values.worker.queueUrl }}
{{- else if hasPrefix "https://" .Values.worker.queue }}
{{- .Values.worker.queue }}
{{- else }}
{{- $account := index (splitList ":" .Values.aws.roleArn) 4 }}
{{- printf "https://sqs.%s.amazonaws.com/%s/%s" .Values.aws.region $account .Values.worker.queue }}
{{- end }}
{{- end }}
