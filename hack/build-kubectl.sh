#!/usr/bin/env bash
# Builds kubectl from the Go module proxy (the release the test assets use),
# into a cache folder keyed by version, and prints that folder; .ci/run puts
# it first on PATH when the machine's kubectl is missing or older than 1.26,
# the first to run a plugin's kubectl_complete-<plugin> (Debian bookworm's
# kubernetes-client is 1.20). Does nothing when the binary is already there.
set -euo pipefail

KUBE_VERSION=${KUBE_VERSION:-v1.35.4}
CACHE_ROOT=${EKSA_RECOVER_TOOLS_ROOT:-${HOME}/.cache/kubectl-eksa_recover/tools}
DEST="${CACHE_ROOT}/kubectl-${KUBE_VERSION}"

if [[ -x "${DEST}/kubectl" ]]; then
  echo "${DEST}"
  exit 0
fi
mkdir -p "${DEST}"
work=$(mktemp -d)
trap 'chmod -R u+w "${work}" 2>/dev/null; rm -rf "${work}"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off

# wrapper MODULE VERSION PKG OUT, with ${work} a scratch folder.
source "$(dirname "$0")/lib/wrapper.sh"

echo "build-kubectl: building kubectl ${KUBE_VERSION} (2-4 minutes on 2 cores, once)" >&2
# A module build carries no version (v0.0.0-master); kubectl version must say
# which it is, as the release's does: kubernetes' own hack/lib/version.sh
# stamps these two packages.
minor=${KUBE_VERSION#v1.}
minor=${minor%%.*}
stamps=""
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  stamps+=" -X ${pkg}.gitVersion=${KUBE_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor} -X ${pkg}.gitTreeState=clean"
done
wrapper k8s.io/kubernetes "${KUBE_VERSION}" k8s.io/kubernetes/cmd/kubectl "${DEST}/kubectl.tmp" "${stamps}"
mv "${DEST}/kubectl.tmp" "${DEST}/kubectl"
echo "${DEST}"
