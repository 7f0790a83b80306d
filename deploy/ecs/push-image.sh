#!/usr/bin/env bash
# Builds the worker's image for Fargate (linux/amd64, whatever this machine is) and pushes it
# to an ECR repository of the current account and region, creating the repository when it is
# missing. Prints the image URI, the stack's ImageUri, and nothing else on standard output:
#
#   deploy/ecs/push-image.sh image-worker          # tagged with the commit (git describe)
#   deploy/ecs/push-image.sh image-worker 0.2.0
#   deploy/ecs/apply.sh thumbs ImageUri="$(deploy/ecs/push-image.sh image-worker)" \
#     Subnets=subnet-aaa,subnet-bbb SecurityGroups=sg-ccc
#
# Needs the AWS CLI with credentials and a region, and Docker with buildx (on an ARM machine
# also QEMU's amd64 emulation, which Docker Desktop includes).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
repository="${1:?usage: push-image.sh REPOSITORY [TAG]}"
tag="${2:-$(git -C "$root" describe --tags --always --dirty)}"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region)}}"
account="$(aws sts get-caller-identity --query Account --output text)"
registry="$account.dkr.ecr.$region.amazonaws.com"

if ! aws ecr describe-repositories --region "$region" --repository-names "$repository" >/dev/null 2>&1; then
  # Immutable tags: a tag names one image for as long as a stack may roll back to it.
  aws ecr create-repository --region "$region" --repository-name "$repository" \
    --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true >/dev/null
  echo "created ECR repository $repository" >&2
fi
aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry" >&2
docker buildx build --platform linux/amd64 --tag "$registry/$repository:$tag" --push "$root" >&2
echo "$registry/$repository:$tag"
