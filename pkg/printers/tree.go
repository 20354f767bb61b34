package printers

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere/vcresult"
)

// tree draws the condition tree as `clusterctl describe cluster` does, with
// the EtcdadmCluster as its own branch.
func (p *printer) tree(r *diagnose.Report) {
	if r.Tree == nil {
		return
	}
	p.section("Conditions")
	tw := p.table()
	// The VM column only when vCenter was checked: without it, it would
	// be empty and look as if the VMs were not there.
	vm := r.VCenter != nil
	header := "NAME\tREADY\tSEVERITY\tREASON\tSINCE\tMESSAGE"
	if vm {
		header = "NAME\tREADY\tVM\tSEVERITY\tREASON\tSINCE\tMESSAGE"
	}
	fmt.Fprintln(tw, header)
	var walk func(n *diagnose.TreeNode, prefix, childPrefix string)
	walk = func(n *diagnose.TreeNode, prefix, childPrefix string) {
		since := ""
		if !n.Since.IsZero() {
			since = p.age(n.Since)
		}
		ready := p.readyCell(n.Ready)
		if vm {
			ready += "\t" + p.vmCell(n.VM)
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\n", prefix, treeLabel(n), ready, n.Severity, n.Reason, since, text.OneLine(n.Message))
		for i, c := range n.Children {
			if i == len(n.Children)-1 {
				walk(c, childPrefix+"└─", childPrefix+"  ")
			} else {
				walk(c, childPrefix+"├─", childPrefix+"│ ")
			}
		}
	}
	walk(r.Tree, "", "")
	p.flush(tw)
}

func treeLabel(n *diagnose.TreeNode) string {
	switch {
	case n.Kind == "":
		return n.Name
	case n.Role == "ClusterInfrastructure" || n.Role == "ControlPlane":
		return n.Role + " - " + n.Kind + "/" + n.Name
	}
	return n.Kind + "/" + n.Name
}

func (p *printer) readyCell(ready string) string {
	switch ready {
	case "True":
		return p.paint(green, ready)
	case "False":
		return p.paint(red, ready)
	}
	return ready
}

// vmCell reads like the vSphere client's power column.
func (p *printer) vmCell(state string) string {
	switch state {
	case vcresult.PoweredOn:
		return p.paint(green, "on")
	case vcresult.PoweredOff:
		return p.paint(red, "off")
	case vcresult.Suspended, vcresult.Missing:
		return p.paint(red, state)
	}
	return state
}
