// Package ship tests what users install rather than the code: the release
// archives `make dist` writes, the krew manifest (validated and installed
// with real krew, then run through real kubectl's plugin lookup), the
// completion script in the archives, and the k9s plugins file.
//
// The release tests run make, krew and kubectl; `make test` builds krew
// first and sets KREW_TOOLS. They are skipped under -short.
package ship
