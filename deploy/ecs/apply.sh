#!/usr/bin/env bash
# Creates or updates an image-worker stack from deploy/cloudformation/image-worker.yaml
# with `aws cloudformation deploy`, then prints its outputs. Everything after the stack
# name is a parameter override (Name=Value); on an update, parameters not given keep
# their values. docs/deployment.md describes every parameter.
#
#   deploy/ecs/apply.sh thumbs \
#     ImageUri=111122223333.dkr.ecr.eu-west-1.amazonaws.com/image-worker:0.1.0 \
#     Subnets=subnet-aaa,subnet-bbb SecurityGroups=sg-ccc
#   deploy/ecs/apply.sh thumbs ImageUri=111122223333.dkr.ecr.eu-west-1.amazonaws.com/image-worker:0.2.0
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stack="${1:?usage: apply.sh STACK [Name=Value ...]}"
shift

overrides=()
if (($#)); then
  overrides=(--parameter-overrides "$@")
fi
aws cloudformation deploy --template-file "$here/../cloudformation/image-worker.yaml" --stack-name "$stack" \
  --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset "${overrides[@]}"
aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].Outputs' --output table
