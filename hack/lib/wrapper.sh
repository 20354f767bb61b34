# Sourced by build-test-assets.sh and build-kubectl.sh: builds one main
# package of a Go module release from the module proxy, in a throw-away
# wrapper module under ${work} (the caller makes and removes it).
#
# `go install k8s.io/kubernetes/...@vX` fails on kubernetes' own replace
# directives (./staging/...), so for kubernetes every staging module is
# replaced with its published k8s.io/<name> v0.<minor>.<patch> twin.
# The caller exports GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off.

# wrapper MODULE VERSION PKG OUT [LDFLAGS]: builds main package PKG of
# MODULE@VERSION into OUT, stripped, with LDFLAGS (e.g. -X version stamps) too.
wrapper() {
  local module=$1 version=$2 pkg=$3 out=$4 ldflags=${5:-} dir
  dir="${work}/$(basename "${out}")"
  mkdir -p "${dir}"
  (
    cd "${dir}"
    go mod init wrapper >/dev/null 2>&1
    go mod edit -require="${module}@${version}"
    if [[ "${module}" == k8s.io/kubernetes ]]; then
      # kubernetes requires its staging modules at v0.0.0 and replaces them
      # with ./staging/...; point each at the published twin of this release.
      local gomod staging_version="v0.${version#v1.}"
      gomod=$(go mod download -json "${module}@${version}" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
      awk '/^replace \($/ {r=1; next} r && /^\)/ {r=0} r && $3 ~ /^\.\// {print $1}' "${gomod}" |
        while read -r name; do go mod edit -replace="${name}=${name}@${staging_version}"; done
    fi
    go build -trimpath -ldflags="-s ${ldflags}" -o "${out}" "${pkg}"
  )
}
