package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func testFiles(t *testing.T) []file {
	t.Helper()
	dir := t.TempDir()
	var files []file
	for _, f := range []file{{Name: "zz-bin", Mode: 0o755}, {Name: "LICENSE", Mode: 0o644}, {Name: "script", Mode: 0o755}} {
		f.Path = filepath.Join(dir, f.Name)
		// A loose umask or another owner must not reach the archive.
		if err := os.WriteFile(f.Path, []byte("content of "+f.Name), 0o777); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

func TestArchiveWrite_Reproducible(t *testing.T) {
	modTime := time.Unix(1767225600, 0)
	for _, goos := range []string{"linux", "windows"} {
		t.Run(goos, func(t *testing.T) {
			a := newArchive("v1.2.3", goos, "amd64")
			var sums []string
			for i := 0; i < 2; i++ {
				path := filepath.Join(t.TempDir(), a.Name)
				if err := a.write(path, testFiles(t), modTime); err != nil {
					t.Fatal(err)
				}
				sum, err := sha256File(path)
				if err != nil {
					t.Fatal(err)
				}
				sums = append(sums, sum)
			}
			if sums[0] != sums[1] {
				t.Errorf("two writes of %s differ: %s, %s", a.Name, sums[0], sums[1])
			}
		})
	}
}

type entry struct {
	name string
	mode int64
	time time.Time
}

func TestArchiveWrite_TarGz(t *testing.T) {
	modTime := time.Unix(1767225600, 0).UTC()
	path := filepath.Join(t.TempDir(), "a.tar.gz")
	if err := newArchive("v1.2.3", "linux", "arm64").write(path, testFiles(t), modTime); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header name %q, time %v; want neither", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var got []entry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s owned by %d:%d (%q:%q), want 0:0 without names", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		got = append(got, entry{h.Name, h.Mode, h.ModTime.UTC()})
	}
	checkEntries(t, got, modTime)
}

func TestArchiveWrite_Zip(t *testing.T) {
	modTime := time.Unix(1767225600, 0).UTC()
	path := filepath.Join(t.TempDir(), "a.zip")
	if err := newArchive("v1.2.3", "windows", "amd64").write(path, testFiles(t), modTime); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = zr.Close() }()
	var got []entry
	for _, f := range zr.File {
		got = append(got, entry{f.Name, int64(f.Mode().Perm()), f.Modified.UTC()})
	}
	checkEntries(t, got, modTime)
}

func checkEntries(t *testing.T, got []entry, modTime time.Time) {
	t.Helper()
	want := []entry{{"LICENSE", 0o644, modTime}, {"script", 0o755, modTime}, {"zz-bin", 0o755, modTime}}
	if len(got) != len(want) {
		t.Fatalf("entries = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].name != want[i].name || got[i].mode != want[i].mode || !got[i].time.Equal(want[i].time) {
			t.Errorf("entry %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestNewArchive(t *testing.T) {
	tests := []struct {
		goos, want, bin string
	}{
		{"linux", "kubectl-eksa_recover_v1.2.3_linux_amd64.tar.gz", "kubectl-eksa_recover"},
		{"darwin", "kubectl-eksa_recover_v1.2.3_darwin_amd64.tar.gz", "kubectl-eksa_recover"},
		{"windows", "kubectl-eksa_recover_v1.2.3_windows_amd64.zip", "kubectl-eksa_recover.exe"},
	}
	for _, tt := range tests {
		a := newArchive("v1.2.3", tt.goos, "amd64")
		if a.Name != tt.want || a.Binary != tt.bin {
			t.Errorf("newArchive(%s) = %s, %s; want %s, %s", tt.goos, a.Name, a.Binary, tt.want, tt.bin)
		}
	}
}
