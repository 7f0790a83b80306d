#!/usr/bin/env bash
# Prints ecs-task-def.json for an image, filled in from a stack's outputs and parameters,
# for pipelines that register task definition revisions themselves:
#
#   deploy/ecs/task-definition.sh thumbs 111122223333.dkr.ecr.eu-west-1.amazonaws.com/image-worker:0.2.0 > td.json
#   aws ecs register-task-definition --cli-input-json file://td.json
#
# The variant set and the public base URL come from the stack too (its Variants parameter and
# PublicBaseUrl output), so a revision renders what the stack's own task does; where the
# stack sets neither, their environment entries are left out, as the stack leaves them out.
#
# The stack owns its service's task definition: its next update deploys the image its
# ImageUri names, so release with `deploy/ecs/apply.sh STACK ImageUri=...` where you can.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stack="${1:?usage: task-definition.sh STACK IMAGE}"
# shellcheck disable=SC2034  # IMAGE, STACK and AWS_REGION are read as ${!name} below.
IMAGE="${2:?usage: task-definition.sh STACK IMAGE}"
# shellcheck disable=SC2034
STACK="$stack"

# Every ${NAME} in ecs-task-def.json, and the stack output or parameter it comes from.
FROM_STACK=(TASK_ROLE_ARN=TaskRoleArn EXECUTION_ROLE_ARN=ExecutionRoleArn QUEUE=QueueName
  BULK_QUEUE=BulkQueueName DLQ=DeadLetterQueueName SOURCE_BUCKET=SourceBucketName
  OUTPUT_BUCKET=OutputBucketName TABLE=TableName TOPIC_ARN=EventsTopicArn LOG_GROUP=LogGroupName
  JOB_TIMEOUT_SECONDS=JobTimeoutSeconds BACKLOG_PER_TASK_TARGET=BacklogPerTaskTarget OWNER_SEGMENT=OwnerSegment)
# Those a stack may leave empty or not have: VARIANTS becomes APPLICATION_JSON.
OPTIONAL_FROM_STACK=(VARIANTS=Variants PUBLIC_BASE_URL=PublicBaseUrl)
PLACEHOLDERS=(IMAGE STACK AWS_REGION APPLICATION_JSON "${FROM_STACK[@]%%=*}" PUBLIC_BASE_URL)

declare -A stack_values=()
while IFS=$'\t' read -r key value; do
  stack_values["$key"]="$value"
done < <(aws cloudformation describe-stacks --stack-name "$stack" --output text \
  --query 'Stacks[0].[Outputs[].[OutputKey,OutputValue], Parameters[].[ParameterKey,ParameterValue]][]')
# shellcheck disable=SC2034
AWS_REGION="$(aws cloudformation describe-stacks --stack-name "$stack" --output text --query 'Stacks[0].StackId' \
  | cut -d: -f4)"
for mapping in "${FROM_STACK[@]}"; do
  name="${mapping%%=*}" key="${mapping#*=}"
  if [[ -z "${stack_values[$key]+set}" ]]; then
    echo "stack $stack has no output or parameter $key" >&2
    exit 1
  fi
  printf -v "$name" '%s' "${stack_values[$key]}"
done
for mapping in "${OPTIONAL_FROM_STACK[@]}"; do
  name="${mapping%%=*}" key="${mapping#*=}"
  printf -v "$name" '%s' "${stack_values[$key]-}"
done

# As the stack's SPRING_APPLICATION_JSON, escaped for a JSON string.
APPLICATION_JSON=""
if [[ -n "$VARIANTS" ]]; then
  APPLICATION_JSON="{\"image-worker\":{\"variants\":$VARIANTS}}"
  APPLICATION_JSON="${APPLICATION_JSON//\\/\\\\}"
  APPLICATION_JSON="${APPLICATION_JSON//\"/\\\"}"
fi

text="$(<"$here/../../ecs-task-def.json")"
for name in "${PLACEHOLDERS[@]}"; do
  text="${text//"\${$name}"/${!name}}"
done
# shellcheck disable=SC2016  # a literal ${, what a placeholder left unfilled starts with
if [[ "$text" == *'${'* ]]; then
  echo "unfilled placeholder in ecs-task-def.json" >&2
  exit 1
fi
# One environment entry a line, none of them the last: an empty one goes whole.
while IFS= read -r line; do
  if [[ "$line" != *'"value": ""'* ]]; then
    printf '%s\n' "$line"
  fi
done <<<"$text"
