// Package printers renders the plugin's reports for people: kubectl's
// columns, clusterctl's condition tree, and colour only on a terminal.
// Machine-readable output (-o json|yaml|name|jsonpath) goes through
// cli-runtime's printers instead (see ToObject).
package printers

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// StatusOptions shape the human report.
type StatusOptions struct {
	Wide  bool      // -o wide: where each machine lives and its role
	Color bool      // only when writing to a terminal
	Now   time.Time // for ages
}

// PrintStatus writes the report as a person reads it at 2 a.m.: the verdict
// first, then the evidence, then the next commands.
func PrintStatus(w io.Writer, r *diagnose.Report, o StatusOptions) error {
	r = printable(r)
	p := &printer{w: w, o: o}
	p.headline(r)
	p.clusters(r)
	p.machines(r)
	p.tree(r)
	p.nodes(r)
	p.findings(r)
	p.next(r)
	return p.err
}

type printer struct {
	w   io.Writer
	o   StatusOptions
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) section(title string) { p.printf("\n%s\n", p.bold(title)) }

func (p *printer) headline(r *diagnose.Report) {
	colour := red
	switch r.State {
	case diagnose.Healthy:
		colour = green
	case diagnose.UpgradeIncomplete, diagnose.PausedAfterFailure, diagnose.ValidationFailed:
		colour = yellow
	}
	p.printf("%s %s\n", p.bold("Cluster "+r.Cluster+":"), p.paint(colour, string(r.State)))
	if r.Summary != "" {
		p.printf("%s\n", r.Summary)
	}
	for _, reason := range r.Reasons {
		p.printf("  - %s\n", reason)
	}
}

func (p *printer) clusters(r *diagnose.Report) {
	p.section("Clusters")
	tw := p.table()
	for _, c := range r.Clusters {
		state := p.paint(green, "reachable")
		switch {
		case !c.Configured:
			state = "no kubeconfig"
		case !c.Reachable:
			state = p.paint(red, "unreachable")
		}
		where := c.Kubeconfig
		if c.KubeconfigFrom != "" && c.Kubeconfig != "" {
			where += " (from " + strings.Replace(c.KubeconfigFrom, "workspace", "the workspace", 1) + ")"
		}
		if c.Context != "" {
			where += " (context " + c.Context + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Role, state, c.Server, where)
		if c.Error != "" {
			fmt.Fprintf(tw, "  \t%s\t\t\n", c.Error)
		}
	}
	p.flush(tw)
	if r.Provider != nil {
		p.printf("  Provider %s (%s)\n", r.Provider.Name, r.Provider.Kind)
	}
	if r.EKSAVersion != "" {
		p.printf("  EKS-A %s (from the %s)\n", r.EKSAVersion, r.EKSAVersionSource)
	}
	if len(r.Objects.Management)+len(r.Objects.Bootstrap) > 0 {
		p.printf("  Cluster API objects of %s, with their Secrets and ConfigMaps: %d on management, %d in KinD\n",
			r.Cluster, len(r.Objects.Management), len(r.Objects.Bootstrap))
	}
}

func (p *printer) machines(r *diagnose.Report) {
	if len(r.Machines) == 0 {
		return
	}
	p.section("Machines")
	tw := p.table()
	header := "NAME\tCLUSTER\tNODENAME\tPROVIDERID\tPHASE\tAGE\tVERSION"
	if p.o.Wide {
		header += "\tLOCATION\tROLE"
	}
	fmt.Fprintln(tw, header)
	for _, m := range r.Machines {
		row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", m.Name, m.Cluster, m.NodeName, m.ProviderID,
			m.Phase, p.age(m.Created), m.Version)
		if p.o.Wide {
			row += "\t" + m.Location + "\t" + m.Role
		}
		fmt.Fprintln(tw, row)
	}
	p.flush(tw)
}

func (p *printer) nodes(r *diagnose.Report) {
	if len(r.Nodes) == 0 {
		return
	}
	p.section("Nodes (management)")
	tw := p.table()
	fmt.Fprintln(tw, "NAME\tSTATUS\tROLES\tVERSION")
	for _, n := range r.Nodes {
		status := "Ready"
		if !n.Ready {
			status = p.paint(red, "NotReady")
		}
		roles := strings.Join(n.Roles, ",")
		if roles == "" {
			roles = "<none>"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n.Name, status, roles, n.Version)
	}
	p.flush(tw)
}

func (p *printer) findings(r *diagnose.Report) {
	if len(r.Findings) == 0 && len(r.Backups) == 0 {
		return
	}
	p.section("Findings")
	for _, f := range r.Findings {
		mark := map[diagnose.Severity]string{
			diagnose.Error: p.paint(red, "✗"), diagnose.Warning: p.paint(yellow, "!"), diagnose.Info: "·",
		}[f.Severity]
		p.printf("  %s %s\n", mark, f.Message)
	}
}

func (p *printer) next(r *diagnose.Report) {
	if len(r.NextSteps) == 0 {
		return
	}
	p.section("Next:")
	for i, s := range r.NextSteps {
		p.printf("  %d. %s\n", i+1, p.bold(s.Command))
		if s.Why != "" {
			p.printf("     %s\n", s.Why)
		}
	}
}

func (p *printer) age(t time.Time) string {
	if a := text.Age(p.o.Now, t); a != "" {
		return a
	}
	return "<unknown>"
}

func (p *printer) table() *tabwriter.Writer { return tabwriter.NewWriter(p.w, 0, 8, 3, ' ', 0) }

func (p *printer) flush(tw *tabwriter.Writer) {
	if err := tw.Flush(); err != nil && p.err == nil {
		p.err = err
	}
}
