#!/usr/bin/env bash
# Builds krew and validate-krew-manifest from the Go module proxy into a cache
# folder keyed by version, and prints that folder (KREW_TOOLS for the tests).
# Does nothing when both binaries are already there.
#
# Built with `go install pkg@version` in its own module mode, so krew's
# dependencies never enter this project's go.mod; GOFLAGS is cleared because
# -mod=... is refused in that mode.
set -euo pipefail

KREW_VERSION=${KREW_VERSION:-v0.4.3}
CACHE_ROOT=${EKSA_RECOVER_TOOLS_ROOT:-${HOME}/.cache/kubectl-eksa_recover/tools}
DEST="${CACHE_ROOT}/krew-${KREW_VERSION}"

if [[ -x "${DEST}/krew" && -x "${DEST}/validate-krew-manifest" ]]; then
  echo "${DEST}"
  exit 0
fi
echo "krew-tools: building krew ${KREW_VERSION} (about a minute, once)" >&2
mkdir -p "${DEST}"
# Build into a temporary folder first so an interrupted build never leaves
# a half set that the check above would take for done.
tmp=$(mktemp -d "${DEST}.XXXXXX")
trap 'rm -rf "${tmp}"' EXIT
GOFLAGS= GOWORK=off CGO_ENABLED=0 GOBIN="${tmp}" go install \
  "sigs.k8s.io/krew/cmd/krew@${KREW_VERSION}" \
  "sigs.k8s.io/krew/cmd/validate-krew-manifest@${KREW_VERSION}"
mv "${tmp}/krew" "${tmp}/validate-krew-manifest" "${DEST}/"
echo "${DEST}"
