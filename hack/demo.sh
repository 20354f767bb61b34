#!/usr/bin/env bash
# Starts the stranded test world (the seed: cluster3's CAPI objects left in
# KinD by a failed upgrade), shows what the operator sees with kubectl and
# what `kubectl eksa-recover status` makes of it, recovers with
# `kubectl eksa-recover recover --yes`, shows status again, then stops the world.
# Run through `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${WORLD_DIR:-$PWD/.world/demo}
plugin=$PWD/bin/kubectl-eksa_recover
rm -rf "${dir}"
mkdir -p "${dir}"

go build -o "${dir}/world" ./hack/world
"${dir}/world" --scenario stranded --dir "${dir}" >"${dir}/world.log" 2>&1 &
world=$!
stop() {
  kill -TERM "${world}" 2>/dev/null || true
  wait "${world}" 2>/dev/null || true
}
trap stop EXIT

echo "Starting the stranded world (two API servers and vcsim) ..." >&2
for _ in $(seq 1 180); do
  [[ -f "${dir}/world.env" ]] && break
  if ! kill -0 "${world}" 2>/dev/null; then
    cat "${dir}/world.log" >&2
    exit 1
  fi
  sleep 1
done
[[ -f "${dir}/world.env" ]] || { echo "the world did not start; see ${dir}/world.log" >&2; exit 1; }
# shellcheck disable=SC1091
source "${dir}/world.env"

run() {
  echo
  echo "\$ $*"
  "$@"
}
cd "${WORKSPACE}"
run "${plugin}" version
if command -v kubectl >/dev/null; then
  run kubectl get --kubeconfig "${CLUSTER_NAME}/generated/${CLUSTER_NAME}.kind.kubeconfig" -n eksa-system machines
  run kubectl get --kubeconfig "${CLUSTER_NAME}/${CLUSTER_NAME}-eks-a-cluster.kubeconfig" -n kube-system node
else
  echo "(kubectl is not installed: the world's kubeconfigs are in ${WORKSPACE}/${CLUSTER_NAME})"
fi
# The plugin's verdict (exit 2: not Healthy), the recovery, and the verdict again.
run "${plugin}" status || true
run "${plugin}" recover --yes
run "${plugin}" status || true
