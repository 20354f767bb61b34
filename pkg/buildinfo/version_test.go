package buildinfo

import (
	"runtime"
	"testing"
)

func TestGet(t *testing.T) {
	oldVersion, oldCommit, oldDate := version, commit, date
	t.Cleanup(func() { version, commit, date = oldVersion, oldCommit, oldDate })
	version, commit, date = "v1.2.3", "abc1234", "2026-01-02T03:04:05Z"

	got := Get()
	want := Info{
		Version:   "v1.2.3",
		Commit:    "abc1234",
		Date:      "2026-01-02T03:04:05Z",
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if got != want {
		t.Errorf("Get() = %+v, want %+v", got, want)
	}
}

func TestGet_Defaults(t *testing.T) {
	got := Get()
	if got.Version == "" || got.Commit != "unknown" || got.Date != "unknown" {
		t.Errorf("Get() = %+v, want a version and commit/date \"unknown\" without -ldflags", got)
	}
}
