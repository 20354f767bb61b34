package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fakeArchives(version string, platforms string) []archive {
	var out []archive
	for i, p := range strings.Split(platforms, ",") {
		goos, goarch, _ := strings.Cut(p, "/")
		a := newArchive(version, goos, goarch)
		a.SHA256 = strings.Repeat(string("abcdef"[i]), 64)
		out = append(out, a)
	}
	return out
}

// The repository's own manifest, rewritten for every platform.
func TestUpdateManifest(t *testing.T) {
	out := filepath.Join(t.TempDir(), "eksa-recover.yaml")
	archives := fakeArchives("v1.2.3", allPlatforms)
	if err := updateManifest("../../krew-manifest.yaml", out, "v1.2.3", "https://example.com/dl", archives, false); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	for _, want := range []string{
		"  version: v1.2.3\n",
		"uri: https://example.com/dl/v1.2.3/kubectl-eksa_recover_v1.2.3_windows_amd64.zip\n",
		`sha256: "` + strings.Repeat("e", 64) + `"`,
		"# krew plugin manifest.", // comments survive
		"EKSA_VSPHERE_PASSWORD",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("updated manifest lacks %q:\n%s", want, got)
		}
	}
}

func TestUpdateManifest_Mismatch(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name      string
		platforms string
		partial   bool
		wantErr   string
	}{
		{"entry without archive", "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64", false, `no archive for platform "windows/amd64"`},
		{"archive without entry", allPlatforms + ",linux/386", false, "no platform entry for linux/386"},
		{"subset for tests", "linux/amd64", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, "out.yaml")
			err := updateManifest("../../krew-manifest.yaml", out, "v1.2.3", "https://example.com/dl", fakeArchives("v1.2.3", tt.platforms), tt.partial)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("updateManifest(%s) = %v, want %q", tt.platforms, err, tt.wantErr)
			}
		})
	}
}
