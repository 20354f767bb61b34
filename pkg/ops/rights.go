package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/rights"
)

// checkRights asks each cluster, as the user the command runs as (--as
// included), for every need of the plan op, before the plan is shown: so
// before its backup, its Lease and its first write, none of which a user
// refused half way should leave behind. Any need refused refuses the whole
// command in one line naming, per cluster and user, each one refused. A
// dry run writes nothing to refuse: it says so on Progress and goes on.
func (e Env) checkRights(ctx context.Context, op string, n needs) error {
	var refused []string
	for _, c := range []struct {
		name  string
		src   reader.Source
		needs []rights.Need
	}{{"management", e.Management, n.management}, {"KinD", e.Bootstrap, n.bootstrap}} {
		if len(c.needs) == 0 || c.src.Config == nil {
			continue
		}
		missing, err := rights.Missing(ctx, c.src.Config, unique(c.needs))
		if err != nil {
			return fmt.Errorf("checking your rights on the %s cluster before the %s: %w; nothing was changed", c.name, op, err)
		}
		if len(missing) > 0 {
			refused = append(refused, rights.Refused(c.name, rights.User(ctx, c.src.Config), missing))
		}
	}
	if len(refused) == 0 {
		return nil
	}
	why := fmt.Sprintf("%s needs rights you do not have: %s", op, strings.Join(refused, "; "))
	if e.DryRun {
		fmt.Fprintf(e.progress(), "Dry run: %s would be refused before any write: %s\n", op, why)
		return nil
	}
	return errors.New(why + fmt.Sprintf("; nothing was changed: bind the user to the ClusterRole %s (deploy/rbac/%s.yaml) on both clusters", rights.WriterRole, rights.WriterRole))
}

// unique drops repeated needs, keeping the first of each: a kind both
// listed and written is asked about once per verb.
func unique(needs []rights.Need) []rights.Need {
	seen := map[rights.Need]bool{}
	out := make([]rights.Need, 0, len(needs))
	for _, n := range needs {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
