#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy for envtest, into a
# cache folder keyed by version, and prints that folder (KUBEBUILDER_ASSETS).
# Does nothing when both binaries are already there.
#
# `go install k8s.io/kubernetes/...@vX` fails on kubernetes' own replace
# directives (./staging/...), so each binary is built inside a throw-away wrapper
# module that requires the release and replaces every staging module with its
# published k8s.io/<name> v0.<minor>.<patch> twin. CGO_ENABLED=0: static binaries.
set -euo pipefail

KUBE_VERSION=${KUBE_VERSION:-v1.35.4}
ETCD_VERSION=${ETCD_VERSION:-v3.6.5}
CACHE_ROOT=${EKSA_RECOVER_ASSETS_ROOT:-${HOME}/.cache/kubectl-eksa_recover/assets}
DEST="${CACHE_ROOT}/kube-${KUBE_VERSION}-etcd-${ETCD_VERSION}"

log() { echo "build-test-assets: $*" >&2; }

if [[ -x "${DEST}/kube-apiserver" && -x "${DEST}/etcd" ]]; then
  echo "${DEST}"
  exit 0
fi
mkdir -p "${DEST}"
work=$(mktemp -d)
trap 'chmod -R u+w "${work}" 2>/dev/null; rm -rf "${work}"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off

# wrapper MODULE VERSION PKG OUT, with ${work} a scratch folder.
source "$(dirname "$0")/lib/wrapper.sh"

start=$(date +%s)
if [[ ! -x "${DEST}/etcd" ]]; then
  log "building etcd ${ETCD_VERSION} (about a minute)"
  wrapper go.etcd.io/etcd/server/v3 "${ETCD_VERSION}" go.etcd.io/etcd/server/v3 "${DEST}/etcd.tmp"
  mv "${DEST}/etcd.tmp" "${DEST}/etcd"
fi
if [[ ! -x "${DEST}/kube-apiserver" ]]; then
  log "building kube-apiserver ${KUBE_VERSION} (4-7 minutes on 2 cores, once)"
  wrapper k8s.io/kubernetes "${KUBE_VERSION}" k8s.io/kubernetes/cmd/kube-apiserver "${DEST}/kube-apiserver.tmp"
  mv "${DEST}/kube-apiserver.tmp" "${DEST}/kube-apiserver"
fi
log "done in $(($(date +%s) - start))s: ${DEST}"
echo "${DEST}"
