// Package buildinfo reports the build of kubectl-eksa_recover.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set at build time with
//
//	-ldflags "-X github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo.version=v1.2.3
//	          -X github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo.commit=abc1234
//	          -X github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo.date=2026-01-02T03:04:05Z"
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

// Info describes a build.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"buildDate"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns the build information. A binary built without -ldflags but with
// `go install module@version` reports that module version.
func Get() Info {
	v := version
	if v == "dev" {
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	return Info{
		Version:   v,
		Commit:    commit,
		Date:      date,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
}
