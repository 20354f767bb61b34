// Package bench measures the plugin against what it replaces, side by side
// in one run, each with its goal: status's read against clusterctl's
// tree.Discovery (what `clusterctl describe cluster` runs) at 10, 100 and
// 1,000 Machines; move against clusterctl's library Move (one cluster of 100
// Machines; 20 clusters); the vCenter check against a FindByUuid per VM.
//
// The benchmark starts real API servers and takes minutes, so it is behind
// the bench build tag and `go test ./...` does not run it; run `make bench`.
package bench
