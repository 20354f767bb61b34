// Command bench-binary compares the plugin binary with kubectl, side by side:
// file size (goal: at most 1.2 times kubectl's) and cold start of
// `kubectl-eksa_recover version` against `kubectl version --client` (goal: at
// most 1.5 times), as the median wall time of -runs fresh processes each.
//
//	go run ./hack/bench-binary -plugin bin/kubectl-eksa_recover -kubectl "$(command -v kubectl)"
package main

import (
	"debug/elf"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

const (
	sizeGoal  = 1.2
	startGoal = 1.5
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-binary:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		plugin  = flag.String("plugin", "bin/kubectl-eksa_recover", "the plugin binary, as `make build` leaves it (stripped)")
		kubectl = flag.String("kubectl", "kubectl", "kubectl to compare with")
		runs    = flag.Int("runs", 20, "timed runs of each binary")
	)
	flag.Parse()
	kpath, err := exec.LookPath(*kubectl)
	if err != nil {
		return fmt.Errorf("kubectl not found (%v): pass -kubectl", err)
	}
	// Compare with the file that runs, not a symlink to it.
	if kpath, err = filepath.EvalSymlinks(kpath); err != nil {
		return err
	}
	pluginSize, err := fileSize(*plugin)
	if err != nil {
		return fmt.Errorf("%v: run `make build` first", err)
	}
	kubectlSize, err := fileSize(kpath)
	if err != nil {
		return err
	}

	pluginCmd := []string{*plugin, "version"}
	kubectlCmd := []string{kpath, "version", "--client"}
	// One untimed run each puts both files in the page cache, so the timed
	// runs measure process start, not the disk. Alternating the two spreads
	// any background load over both.
	var pluginTimes, kubectlTimes []time.Duration
	for i := -1; i < *runs; i++ {
		p, err := timeRun(pluginCmd)
		if err != nil {
			return err
		}
		k, err := timeRun(kubectlCmd)
		if err != nil {
			return err
		}
		if i >= 0 {
			pluginTimes, kubectlTimes = append(pluginTimes, p), append(kubectlTimes, k)
		}
	}
	pluginStart, kubectlStart := median(pluginTimes), median(kubectlTimes)

	kversion, _ := exec.Command(kpath, "version", "--client").Output()
	fmt.Printf("kubectl: %s (%s)\n", kpath, strings.SplitN(strings.TrimSpace(string(kversion)), "\n", 2)[0])
	if stripped(*plugin) == "no" {
		fmt.Printf("warning: %s has a symbol table; `make build` strips it (-s -w)\n", *plugin)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "\tkubectl-eksa_recover\tkubectl\tratio\tgoal\t")
	row(tw, "binary size", mb(pluginSize), mb(kubectlSize), float64(pluginSize)/float64(kubectlSize), sizeGoal)
	row(tw, fmt.Sprintf("cold start (median of %d)", *runs), ms(pluginStart), ms(kubectlStart),
		float64(pluginStart)/float64(kubectlStart), startGoal)
	return tw.Flush()
}

func row(tw *tabwriter.Writer, what, plugin, kubectl string, ratio, goal float64) {
	verdict := "ok"
	if ratio > goal {
		verdict = "MISSED"
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f×\t≤ %.1f× %s\t\n", what, plugin, kubectl, ratio, goal, verdict)
}

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// timeRun runs argv to completion and returns its wall time.
func timeRun(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("%v: %v\n%s", argv, err, out)
	}
	return time.Since(start), nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// stripped says "yes" or "no" for an ELF file and "" for other formats.
func stripped(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }() // read only
	if f.Section(".symtab") != nil {
		return "no"
	}
	return "yes"
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
