package main_test

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docNames lists README.md and every page under docs/, as docPath names them.
func docNames(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(docPath("docs/*.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{readmeDoc}
	for _, p := range pages {
		names = append(names, "docs/"+filepath.Base(p))
	}
	return names
}

// TestREADME_BlocksInOneDoc: each recorded block's markers are in exactly
// one document, the one its test reads. A copy left elsewhere (a section
// moved, or merged back from an older README) would be shown to readers
// and tested nowhere.
func TestREADME_BlocksInOneDoc(t *testing.T) {
	tests := []struct {
		begin, end, doc string
	}{
		{quickStartBegin, quickStartEnd, readmeDoc},
		{recoverBegin, recoverEnd, commandsDoc},
		{watchBegin, watchEnd, commandsDoc},
		{bundleBegin, bundleEnd, commandsDoc},
	}
	texts := map[string]string{}
	for _, doc := range docNames(t) {
		texts[doc] = readDoc(t, doc)
	}
	for _, tt := range tests {
		for doc, text := range texts {
			want := 0
			if doc == tt.doc {
				want = 1
			}
			for _, marker := range []string{tt.begin, tt.end} {
				if got := strings.Count(text, marker); got != want {
					t.Errorf("%s holds %q %d times, want %d (its test reads %s)", doc, marker, got, want, tt.doc)
				}
			}
		}
	}
}

var (
	docLink    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	docHeading = regexp.MustCompile("(?m)^#+ (.+)$")
	docFence   = regexp.MustCompile("(?ms)^```.*?^```")
)

// docAnchor is the anchor GitHub gives a heading: lower case, only letters,
// digits, spaces, '-' and '_' kept, each space a '-'.
func docAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// TestREADME_Links: every relative link of README.md and docs/ names a file
// that exists, and a heading of it when it has a #fragment: the sections
// moved between them, and a link to where one used to be leads nowhere.
func TestREADME_Links(t *testing.T) {
	anchors := map[string]map[string]bool{}
	texts := map[string]string{}
	for _, doc := range docNames(t) {
		text := docFence.ReplaceAllString(readDoc(t, doc), "")
		texts[doc] = text
		anchors[doc] = map[string]bool{}
		for _, m := range docHeading.FindAllStringSubmatch(text, -1) {
			anchors[doc][docAnchor(m[1])] = true
		}
	}
	links := 0
	for doc, text := range texts {
		for _, m := range docLink.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			links++
			file, frag, _ := strings.Cut(target, "#")
			to := doc
			if file != "" {
				to = path.Clean(path.Join(path.Dir(doc), file))
				if _, err := os.Stat(docPath(to)); err != nil {
					t.Errorf("%s links to %s: %v", doc, target, err)
					continue
				}
			}
			if frag == "" {
				continue
			}
			if a, ok := anchors[to]; !ok {
				t.Errorf("%s links to %s: a #fragment of a file that is not README.md or docs/*.md", doc, target)
			} else if !a[frag] {
				t.Errorf("%s links to %s: %s has no heading with anchor #%s", doc, target, to, frag)
			}
		}
	}
	if links == 0 {
		t.Error("README.md and docs/ hold no relative link: the link pattern is broken")
	}
}
