// Package bench compares the plugin's read of a cluster with clusterctl's
// (tree.Discovery, what `clusterctl describe cluster` runs) on test worlds of
// 10, 100 and 1,000 Machines: API requests and wall time, side by side.
//
// The benchmark starts real API servers and takes minutes, so it is behind
// the bench build tag and `go test ./...` does not run it; run `make bench`.
package bench
