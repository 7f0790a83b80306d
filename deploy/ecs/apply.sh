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
#   deploy/ecs/apply.sh thumbs-eks Platform=eks
#
# The template is larger than the 51,200 bytes CloudFormation takes inline, so it goes
# through S3: TEMPLATE_BUCKET, by default a bucket of this account and region for
# templates, made on first use.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stack="${1:?usage: apply.sh STACK [Name=Value ...]}"
shift

region="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region)}}"
templates="${TEMPLATE_BUCKET:-image-worker-templates-$(aws sts get-caller-identity --query Account --output text)-$region}"
if ! aws s3api head-bucket --bucket "$templates" >/dev/null 2>&1; then
  aws s3 mb "s3://$templates" --region "$region" >&2
fi

overrides=()
if (($#)); then
  overrides=(--parameter-overrides "$@")
fi
aws cloudformation deploy --template-file "$here/../cloudformation/image-worker.yaml" --stack-name "$stack" \
  --s3-bucket "$templates" --s3-prefix "$stack" \
  --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset "${overrides[@]}"
aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].Outputs' --output table
