package main

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

var (
	versionLine = regexp.MustCompile(`^(  version:\s*).*$`)
	osLine      = regexp.MustCompile(`^\s+os:\s*"?([\w-]+)"?\s*$`)
	archLine    = regexp.MustCompile(`^\s+arch:\s*"?([\w-]+)"?\s*$`)
	uriLine     = regexp.MustCompile(`^(\s+uri:\s*).*$`)
	shaLine     = regexp.MustCompile(`^(\s+sha256:\s*).*$`)
)

// updateManifest rewrites spec.version and each platform's uri and sha256,
// line by line so that the hand-written rest (comments, description,
// caveats) stays as it is. A platform's selector must come before its uri
// and sha256. The result is parsed back and checked against the archives.
// partial (a subset of the platforms was built) leaves the entries of the
// others as they were instead of failing on them.
func updateManifest(in, out, version, releaseURL string, archives []archive, partial bool) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	byPlatform := map[string]archive{}
	for _, a := range archives {
		byPlatform[a.OS+"/"+a.Arch] = a
	}
	lines := strings.Split(string(data), "\n")
	var goos, goarch string
	versionDone := false
	for i, l := range lines {
		switch {
		case !versionDone && versionLine.MatchString(l):
			lines[i] = versionLine.ReplaceAllString(l, "${1}"+version)
			versionDone = true
		case osLine.MatchString(l):
			goos = osLine.FindStringSubmatch(l)[1]
		case archLine.MatchString(l):
			goarch = archLine.FindStringSubmatch(l)[1]
		case uriLine.MatchString(l), shaLine.MatchString(l):
			a, ok := byPlatform[goos+"/"+goarch]
			if !ok && partial {
				continue
			}
			if !ok {
				return fmt.Errorf("%s line %d: no archive for platform %q; build it or drop the entry", in, i+1, goos+"/"+goarch)
			}
			if uriLine.MatchString(l) {
				lines[i] = uriLine.ReplaceAllString(l, "${1}"+releaseURL+"/"+version+"/"+a.Name)
			} else {
				lines[i] = shaLine.ReplaceAllString(l, "${1}"+strconv.Quote(a.SHA256))
			}
		}
	}
	updated := []byte(strings.Join(lines, "\n"))
	if err := checkManifest(updated, version, archives, partial); err != nil {
		return fmt.Errorf("%s after the update: %w", in, err)
	}
	return os.WriteFile(out, updated, 0o644)
}

// plugin is the part of krew's Plugin type the check reads.
type plugin struct {
	Spec struct {
		Version   string `json:"version"`
		Platforms []struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			URI    string `json:"uri"`
			SHA256 string `json:"sha256"`
			Bin    string `json:"bin"`
		} `json:"platforms"`
	} `json:"spec"`
}

// checkManifest makes sure every archive has exactly one platform entry
// with its name, checksum and binary, and (unless partial) no entry lacks an
// archive.
func checkManifest(data []byte, version string, archives []archive, partial bool) error {
	var p plugin
	if err := yaml.Unmarshal(data, &p); err != nil {
		return err
	}
	if p.Spec.Version != version {
		return fmt.Errorf("spec.version is %q, want %q", p.Spec.Version, version)
	}
	seen := map[string]bool{}
	for _, pl := range p.Spec.Platforms {
		key := pl.Selector.MatchLabels["os"] + "/" + pl.Selector.MatchLabels["arch"]
		if seen[key] {
			return fmt.Errorf("two platform entries for %s", key)
		}
		seen[key] = true
		var a *archive
		for i := range archives {
			if archives[i].OS+"/"+archives[i].Arch == key {
				a = &archives[i]
			}
		}
		switch {
		case a == nil && partial:
			continue
		case a == nil:
			return fmt.Errorf("platform %s has no archive; add it to the build or drop the entry", key)
		case !strings.HasSuffix(pl.URI, "/"+a.Name) || pl.SHA256 != a.SHA256:
			return fmt.Errorf("platform %s: uri %s, sha256 %s; want %s, %s", key, pl.URI, pl.SHA256, a.Name, a.SHA256)
		case pl.Bin != a.Binary:
			return fmt.Errorf("platform %s: bin %q, want %q", key, pl.Bin, a.Binary)
		}
	}
	for _, a := range archives {
		if !seen[a.OS+"/"+a.Arch] {
			return fmt.Errorf("no platform entry for %s/%s: add one to the manifest", a.OS, a.Arch)
		}
	}
	return nil
}
