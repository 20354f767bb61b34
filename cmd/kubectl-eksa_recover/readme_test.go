package main_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// The README's quick start, and the recover and bundle sections of
// docs/commands.md, show what the plugin prints on the demo world. Their
// tests run every `$ kubectl eksa-recover ...` block of a section (and
// `$ tar tzf` of the archive bundle wrote), in order, on a fresh stranded
// world and fail when the output drifted. EKSA_RECOVER_UPDATE_README=1
// rewrites the blocks from the run instead.
const (
	readmeDoc       = "README.md"
	commandsDoc     = "docs/commands.md"
	quickStartBegin = "<!-- quickstart:begin"
	quickStartEnd   = "<!-- quickstart:end -->"
	recoverBegin    = "<!-- recover:begin"
	recoverEnd      = "<!-- recover:end -->"
	bundleBegin     = "<!-- bundle:begin"
	bundleEnd       = "<!-- bundle:end -->"
	// readmeWorkspace stands for the world's temporary folder: the path a
	// reader would have.
	readmeWorkspace = "/home/ops/eksa"
	envUpdateREADME = "EKSA_RECOVER_UPDATE_README"
)

func TestREADME_QuickStart(t *testing.T) {
	checkREADMESection(t, readmeDoc, quickStartBegin, quickStartEnd, 4, "the whole recovery (status, move, verify, status)")
}

// TestREADME_Recover: the recover section's block (docs/commands.md), on
// its own world.
func TestREADME_Recover(t *testing.T) {
	checkREADMESection(t, commandsDoc, recoverBegin, recoverEnd, 1, "recover --yes")
}

// TestREADME_Bundle: the bundle section's blocks (docs/commands.md),
// bundle then tar's listing of the archive it wrote, on their own world.
func TestREADME_Bundle(t *testing.T) {
	checkREADMESection(t, commandsDoc, bundleBegin, bundleEnd, 2, "bundle and the archive's listing")
}

// checkREADMESection runs the blocks of a section of doc (README.md or a
// page under docs/) on a fresh stranded world. Tests of two sections run
// one after the other (not in parallel): an update rewrites the file.
func checkREADMESection(t *testing.T, doc, begin, end string, minBlocks int, what string) {
	t.Helper()
	readme := readDoc(t, doc)
	blocks := consoleBlocks(t, doc, readme, begin, end)
	if len(blocks) < minBlocks {
		t.Fatalf("the %s section %s has %d console blocks, want %s", doc, begin, len(blocks), what)
	}
	update := readmeUpdate(t)
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	env := credentials(w, w.VCSim.Password)
	updated := readme
	for _, b := range blocks {
		var out string
		var code int
		if b.args == nil {
			out, code = tarListing(t, w, b.prompt)
		} else {
			out, code = runCombinedCode(t, w.Dir, env, b.args)
		}
		got := strings.ReplaceAll(out, w.Dir, readmeWorkspace)
		// The README shows no exit codes, so the reader's: every command of
		// the recovery succeeds (0), but status, which exits 2 for any
		// state but Healthy.
		want := 0
		if b.args != nil && b.args[0] == "status" && !strings.Contains(firstLine(got), ": Healthy") {
			want = 2
		}
		if code != want {
			t.Errorf("`%s` exited %d, want %d\n%s", b.prompt, code, want, got)
		}
		if !strings.HasSuffix(got, "\n") {
			got += "\n" // a jsonpath prints no newline; the block needs one
		}
		if update {
			updated = strings.Replace(updated, b.text, b.prompt+"\n"+got, 1)
			continue
		}
		if normalize(got) != normalize(b.output) {
			t.Errorf("%s drifted: `%s` now prints\n%s\n%s shows\n%s\n(rerun with %s=1 to update it)",
				doc, b.prompt, got, doc, b.output, envUpdateREADME)
		}
	}
	if updated != readme {
		writeDoc(t, doc, updated)
		t.Logf("rewrote the %d blocks of %s in %s", len(blocks), begin, doc)
	}
}

// docPath is where one of the project's documents (README.md, or a page
// under docs/ such as docs/commands.md) is, from this package's folder.
func docPath(doc string) string {
	return filepath.Join("..", "..", filepath.FromSlash(doc))
}

// readDoc returns one of the project's documents, named as docPath names it.
func readDoc(t *testing.T, doc string) string {
	t.Helper()
	data, err := os.ReadFile(docPath(doc))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// writeDoc rewrites a document with its blocks updated from a run.
func writeDoc(t *testing.T, doc, text string) {
	t.Helper()
	if err := os.WriteFile(docPath(doc), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readmeUpdate says whether to rewrite the README's blocks from the run:
// only "1" rewrites; "0" or "false" must not.
func readmeUpdate(t *testing.T) bool {
	t.Helper()
	switch v := os.Getenv(envUpdateREADME); v {
	case "", "0":
		return false
	case "1":
		return true
	default:
		t.Fatalf("%s=%q: set it to 1 to rewrite the README, or leave it unset", envUpdateREADME, v)
	}
	return false
}

type consoleBlock struct {
	text   string // the block's body, prompt line included
	prompt string // `$ kubectl eksa-recover ...`
	args   []string
	output string
}

// consoleBlocks returns the ```console blocks between a section's markers
// in doc's text; each starts with one `$ kubectl eksa-recover` line.
func consoleBlocks(t *testing.T, doc, readme, beginMarker, endMarker string) []consoleBlock {
	t.Helper()
	begin, end := strings.Index(readme, beginMarker), strings.Index(readme, endMarker)
	if begin < 0 || end < begin {
		t.Fatalf("%s has no %q ... %q section", doc, beginMarker, endMarker)
	}
	var blocks []consoleBlock
	section := readme[begin:end]
	for {
		i := strings.Index(section, "```console\n")
		if i < 0 {
			return blocks
		}
		section = section[i+len("```console\n"):]
		j := strings.Index(section, "```")
		if j < 0 {
			t.Fatalf("%s: a console block is not closed", doc)
		}
		text := section[:j]
		section = section[j+3:]
		prompt, output, _ := strings.Cut(text, "\n")
		if strings.HasPrefix(prompt, "$ tar tzf ") {
			// The listing of the archive the block before wrote (args nil).
			blocks = append(blocks, consoleBlock{text: text, prompt: prompt, output: output})
			continue
		}
		words := shellWords(strings.TrimPrefix(prompt, "$ "))
		if !strings.HasPrefix(prompt, "$ ") || len(words) < 2 || words[0] != "kubectl" || words[1] != "eksa-recover" {
			t.Fatalf("%s: a block of %s starts with %q, want `$ kubectl eksa-recover ...`", doc, beginMarker, prompt)
		}
		blocks = append(blocks, consoleBlock{text: text, prompt: prompt, args: words[2:], output: output})
	}
}

// shellWords splits a command line as a shell would for what the README
// uses: spaces, and single quotes around a word.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
			}
			inWord = false
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// tarListing runs `tar tzf` on the one bundle archive in the world's
// workspace (the prompt names it with the time of the README's run).
func tarListing(t *testing.T, w *testworld.World, prompt string) (string, int) {
	t.Helper()
	found, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), "eksa-recover-bundle-*.tar.gz"))
	if len(found) != 1 || readmeTime.ReplaceAllString(filepath.Base(found[0]), "TIME") !=
		readmeTime.ReplaceAllString(filepath.Base(strings.TrimPrefix(prompt, "$ tar tzf ")), "TIME") {
		t.Fatalf("`%s`: the workspace holds %v, want the one archive it names", prompt, found)
	}
	out, err := exec.CommandContext(t.Context(), "tar", "tzf", found[0]).CombinedOutput()
	if err != nil {
		t.Errorf("tar tzf %s: %v", found[0], err)
		return string(out), 1
	}
	return string(out), 0
}

// runCombinedCode runs the plugin with stdout and stderr in one stream, as
// a terminal shows them, and returns its exit code.
func runCombinedCode(t *testing.T, dir string, env, args []string) (string, int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	var exit *exec.ExitError
	err := cmd.Run()
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %v: %v", args, err)
	}
	if exit != nil {
		return out.String(), exit.ExitCode()
	}
	return out.String(), 0
}

// What changes from run to run: ports, times and ages (and so column
// widths). Everything else must match the README exactly.
var (
	readmePort     = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	readmeTime     = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d[_:]\d\d[_:]\d\d(\.\d+)?Z?`)
	readmeDuration = regexp.MustCompile(`\b(\d+(\.\d+)?(ms|s|m|h|d))+\b`)
	readmeSpaces   = regexp.MustCompile(`[ \t]+`)
	readmeSize     = regexp.MustCompile(`\b\d+(\.\d+)? (B|KiB|MiB|GiB)\b`)
	readmeClock    = regexp.MustCompile(`\b\d\d:\d\d:\d\d\b`)
)

func normalize(s string) string {
	s = readmePort.ReplaceAllString(s, "127.0.0.1:PORT")
	s = readmeTime.ReplaceAllString(s, "TIME")
	s = readmeClock.ReplaceAllString(s, "CLOCK")
	s = readmeSize.ReplaceAllString(s, "SIZE")
	s = readmeDuration.ReplaceAllString(s, "AGE")
	s = readmeSpaces.ReplaceAllString(s, " ")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
