#!/usr/bin/env bash
# Applies the ECS deployment of image-worker with the AWS CLI: IAM roles, log group, task
# definition, service update, autoscaling (backlog per task + scale from zero) and alarms.
# Idempotent: every step creates or updates. The queue, DLQ, buckets, table, topic, cluster
# and the service's network belong to the infrastructure code and must exist.
#
# Required: AWS_ACCOUNT_ID AWS_REGION CLUSTER SERVICE IMAGE ALARM_TOPIC_ARN
# Optional (defaults in brackets): QUEUE [image-processing-queue] DLQ [image-processing-dlq]
#   SOURCE_BUCKET [image-uploads] OUTPUT_BUCKET [image-thumbnails] TABLE [image-metadata]
#   TOPIC [image-processing-events] LOG_GROUP [/ecs/image-worker] ECR_REPOSITORY [image-worker]
#   TASK_ROLE [image-worker-task] EXECUTION_ROLE [image-worker-execution]
#   SUBNETS, SECURITY_GROUPS (comma-separated; only needed to create a missing service)
#   CONTAINER_INSIGHTS [enable] ("managed" if the cluster's owner already enables it)
#   OPERATOR_ENDPOINTS [false] ("true" grants the task role operator-policy.json, for the
#   operator endpoints an IMAGE_WORKER_OPERATOR_PASSWORD turns on)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

: "${AWS_ACCOUNT_ID:?account id}" "${AWS_REGION:?region}" "${CLUSTER:?ECS cluster}" "${SERVICE:?ECS service}"
: "${IMAGE:?image URI}" "${ALARM_TOPIC_ARN:?SNS topic ARN for alarms}"
: "${QUEUE:=image-processing-queue}" "${DLQ:=image-processing-dlq}"
: "${SOURCE_BUCKET:=image-uploads}" "${OUTPUT_BUCKET:=image-thumbnails}"
: "${TABLE:=image-metadata}" "${TOPIC:=image-processing-events}"
: "${LOG_GROUP:=/ecs/image-worker}" "${ECR_REPOSITORY:=image-worker}"
: "${TASK_ROLE:=image-worker-task}" "${EXECUTION_ROLE:=image-worker-execution}"
export AWS_DEFAULT_REGION="$AWS_REGION"

# Every ${NAME} the JSON files may contain; SCALE_FROM_ZERO_POLICY_ARN is known only later.
PLACEHOLDERS=(AWS_ACCOUNT_ID AWS_REGION CLUSTER SERVICE IMAGE ALARM_TOPIC_ARN QUEUE DLQ SOURCE_BUCKET
  OUTPUT_BUCKET TABLE TOPIC LOG_GROUP ECR_REPOSITORY TASK_ROLE EXECUTION_ROLE SCALE_FROM_ZERO_POLICY_ARN)
SCALE_FROM_ZERO_POLICY_ARN=""

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Writes the file with its placeholders filled in and prints its file:// URL for the CLI.
render() {
  local source="$1" text name
  text="$(<"$source")"
  for name in "${PLACEHOLDERS[@]}"; do
    text="${text//"\${$name}"/${!name}}"
  done
  if [[ "$text" == *'${'* ]]; then
    echo "unfilled placeholder in $source" >&2
    return 1
  fi
  printf '%s\n' "$text" > "$work/$(basename "$source")"
  echo "file://$work/$(basename "$source")"
}

role() {
  local name="$1" trust="$2" policy="$3"
  if aws iam get-role --role-name "$name" > /dev/null 2>&1; then
    aws iam update-assume-role-policy --role-name "$name" --policy-document "$(render "$trust")"
  else
    aws iam create-role --role-name "$name" --assume-role-policy-document "$(render "$trust")" > /dev/null
  fi
  aws iam put-role-policy --role-name "$name" --policy-name "$name" --policy-document "$(render "$policy")"
}

echo "IAM roles"
role "$TASK_ROLE" "$here/task-role-trust.json" "$here/task-role-policy.json"
role "$EXECUTION_ROLE" "$here/execution-role-trust.json" "$here/execution-role-policy.json"
# The operator endpoints (an operator password set) read the DLQ and the table beyond what
# the worker itself needs; without them the task role keeps only the worker's rights.
if [[ "${OPERATOR_ENDPOINTS:-false}" == true ]]; then
  aws iam put-role-policy --role-name "$TASK_ROLE" --policy-name "$TASK_ROLE-operator" \
    --policy-document "$(render "$here/operator-policy.json")"
else
  aws iam delete-role-policy --role-name "$TASK_ROLE" --policy-name "$TASK_ROLE-operator" 2> /dev/null || true
fi

echo "Log group $LOG_GROUP"
aws logs create-log-group --log-group-name "$LOG_GROUP" 2> /dev/null || true
aws logs put-retention-policy --log-group-name "$LOG_GROUP" --retention-in-days 30

echo "Task definition"
task_definition="$(aws ecs register-task-definition --cli-input-json "$(render "$root/ecs-task-def.json")" \
  --query 'taskDefinition.taskDefinitionArn' --output text)"

# The backlog-per-task policy divides by RunningTaskCount, which only Container Insights reports.
# CONTAINER_INSIGHTS=managed leaves the setting to whoever owns the cluster.
if [[ "${CONTAINER_INSIGHTS:-enable}" == "enable" ]]; then
  aws ecs update-cluster-settings --cluster "$CLUSTER" --settings name=containerInsights,value=enabled > /dev/null
fi

status="$(aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" \
  --query 'services[0].status' --output text 2> /dev/null || true)"
if [[ "$status" == "ACTIVE" ]]; then
  echo "Service $SERVICE -> $task_definition"
  aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --task-definition "$task_definition" > /dev/null
else
  : "${SUBNETS:?service $SERVICE does not exist: set SUBNETS and SECURITY_GROUPS to create it}"
  : "${SECURITY_GROUPS:?security groups for the new service}"
  echo "Creating service $SERVICE"
  aws ecs create-service --cluster "$CLUSTER" --service-name "$SERVICE" --task-definition "$task_definition" \
    --launch-type FARGATE --desired-count 0 \
    --network-configuration "awsvpcConfiguration={subnets=[$SUBNETS],securityGroups=[$SECURITY_GROUPS],assignPublicIp=DISABLED}" \
    > /dev/null
fi

echo "Autoscaling"
aws application-autoscaling register-scalable-target --cli-input-json "$(render "$here/scalable-target.json")" > /dev/null
aws application-autoscaling put-scaling-policy --cli-input-json "$(render "$here/backlog-per-task-policy.json")" > /dev/null
SCALE_FROM_ZERO_POLICY_ARN="$(aws application-autoscaling put-scaling-policy \
  --cli-input-json "$(render "$here/scale-from-zero-policy.json")" --query PolicyARN --output text)"

echo "Alarms"
for alarm in alarm-scale-from-zero alarm-queue-depth alarm-oldest-message alarm-dead-letters; do
  aws cloudwatch put-metric-alarm --cli-input-json "$(render "$here/$alarm.json")"
done
echo "Done: $task_definition"
