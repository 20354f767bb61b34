// Command dist builds the release: one archive per platform (tar.gz, zip for
// Windows) holding the binary, LICENSE and kubectl_complete-eksa_recover, a
// SHA256SUMS file, and the krew manifest with each platform's uri and sha256.
//
// Everything is reproducible: the same commit and Go version give the same
// bytes. The binaries are built with -trimpath and -buildvcs=false (the VCS
// stamp would flip to "modified" once this rewrites krew-manifest.yaml), and
// the archives are written here rather than with tar/zip so that order,
// times, owners and modes are fixed by code on any machine.
//
//	go run ./hack/dist -version v1.2.3 -ldflags '-s -w ...' -mtime 1767225600
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const (
	binary       = "kubectl-eksa_recover"
	allPlatforms = "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64"
)

// completionScript is shipped next to the binary; kubectl >= 1.26 runs it.
const completionScript = "cmd/kubectl-eksa_recover/kubectl_complete-eksa_recover"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		version     = flag.String("version", "", "release version, semver with a leading v (krew refuses others)")
		ldflags     = flag.String("ldflags", "", "-ldflags for go build (version stamps, -s -w)")
		mtime       = flag.Int64("mtime", 0, "modification time of every archived file, in Unix seconds (the commit's)")
		out         = flag.String("out", "dist", "output folder; earlier archives and sums in it are removed first")
		platforms   = flag.String("platforms", allPlatforms, "os/arch pairs; a subset leaves the other manifest entries as they are (for tests)")
		manifest    = flag.String("manifest", "krew-manifest.yaml", "krew manifest to read")
		manifestOut = flag.String("manifest-out", "", "where to write the updated manifest (default: -manifest, in place)")
		releaseURL  = flag.String("release-url", "https://github.com/eksa-recover/kubectl-eksa_recover/releases/download", "archives are at <release-url>/<version>/<archive>")
	)
	flag.Parse()
	if !strings.HasPrefix(*version, "v") {
		return fmt.Errorf("-version %q must start with v: krew wants semver", *version)
	}
	if *manifestOut == "" {
		*manifestOut = *manifest
	}
	modTime := time.Unix(*mtime, 0).UTC()

	if err := clean(*out); err != nil {
		return err
	}
	build := filepath.Join(*out, ".build")
	var archives []archive
	for _, p := range strings.Split(*platforms, ",") {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok {
			return fmt.Errorf("-platforms: %q is not os/arch", p)
		}
		a := newArchive(*version, goos, goarch)
		bin := filepath.Join(build, goos+"_"+goarch, a.Binary)
		if err := goBuild(goos, goarch, *ldflags, bin); err != nil {
			return err
		}
		files := []file{
			{Name: "LICENSE", Path: "LICENSE", Mode: 0o644},
			{Name: a.Binary, Path: bin, Mode: 0o755},
			{Name: filepath.Base(completionScript), Path: completionScript, Mode: 0o755},
		}
		if err := a.write(filepath.Join(*out, a.Name), files, modTime); err != nil {
			return fmt.Errorf("writing %s: %w", a.Name, err)
		}
		sum, err := sha256File(filepath.Join(*out, a.Name))
		if err != nil {
			return err
		}
		a.SHA256 = sum
		archives = append(archives, a)
	}
	if err := os.RemoveAll(build); err != nil {
		return err
	}
	if err := writeSums(filepath.Join(*out, "SHA256SUMS"), archives); err != nil {
		return err
	}
	partial := *platforms != allPlatforms
	if err := updateManifest(*manifest, *manifestOut, *version, *releaseURL, archives, partial); err != nil {
		return err
	}
	for _, a := range archives {
		fmt.Printf("%s  %s\n", a.SHA256, filepath.Join(*out, a.Name))
	}
	fmt.Printf("updated %s for %s\n", *manifestOut, *version)
	return nil
}

// clean removes what an earlier run left in out, and only that: out may be
// any folder a user names.
func clean(out string) error {
	old, _ := filepath.Glob(filepath.Join(out, binary+"_*"))
	old = append(old, filepath.Join(out, "SHA256SUMS"), filepath.Join(out, ".build"))
	for _, p := range old {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return os.MkdirAll(out, 0o755)
}

// goBuild cross-compiles the plugin: static (CGO_ENABLED=0), no local paths.
func goBuild(goos, goarch, ldflags, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, "./cmd/"+binary)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s/%s: %w", goos, goarch, err)
	}
	return nil
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }() // read only
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeSums writes the `sha256sum -c` format, sorted by name.
func writeSums(path string, archives []archive) error {
	sorted := slices.Clone(archives)
	slices.SortFunc(sorted, func(a, b archive) int { return strings.Compare(a.Name, b.Name) })
	var b strings.Builder
	for _, a := range sorted {
		b.WriteString(a.SHA256 + "  " + a.Name + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
