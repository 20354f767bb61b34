package reader

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	jsoniter "github.com/json-iterator/go"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
)

// Machines are the kind read by the thousand, and full Machines are the
// costliest list there is: ~10 KB of JSON each, which the API server spends
// 0.35-0.5 s encoding for 1,000 on 2 cores (clusterctl describe pays it
// too). Everything status shows of a Ready Machine is in the CRD's printer
// columns (the server-side table kubectl get prints, ~80 ms) and its
// metadata (protobuf, ~100 ms). Only the Ready condition's reason, message
// and time are not, and they matter only for a Machine that is not Ready:
// those few are read one by one. When many are not Ready, or the table
// cannot say (a CRD without a Ready column, such as v1beta1's), the
// Machines are read in full, as every other kind is.
//
// Machines not Ready and the Machines in full are read after the table, so
// they are at least as new as it; the metadata is read alongside it, and a
// Machine that came or went in between sends the read to the full list.

const acceptTable = "application/json;as=Table;g=meta.k8s.io;v=v1"

// maxNotReadyGets is how many Machines not Ready are read one by one: a
// rolling upgrade cut off leaves one to a few. Beyond it one full list is
// cheaper, and the requests stay bounded whatever the cluster's size.
const maxNotReadyGets = 10

// machineRow is one Machine as its printer columns show it.
type machineRow struct {
	name, cluster, nodeName, providerID, ready, phase, version string
	// available, upToDate and paused are v1beta2's Available, Up-to-date
	// and Paused columns; empty where the CRD has none.
	available, upToDate, paused string
}

// wholeReadNeeded: the row cannot say everything status needs of the
// Machine. Its Ready (or, in v1beta2, Available or Up-to-date) is not True
// or not reported (a moved Machine, before its controller runs), or it is
// paused, or not Running (a Machine deleting may still read Ready while its drain is
// blocked: the drain's condition is only in the whole object).
func (r machineRow) wholeReadNeeded() bool {
	notTrue := func(v string) bool { return v != "" && v != "True" }
	return r.ready != "True" || notTrue(r.available) || notTrue(r.upToDate) || r.paused == "True" ||
		(r.phase != "" && r.phase != "Running")
}

// machineColumns maps the printer columns read, by their names with case,
// spaces and dashes dropped (v1beta1 writes NodeName, v1beta2 Node Name),
// to where each goes in a row.
var machineColumns = map[string]func(*machineRow) *string{
	"name":       func(r *machineRow) *string { return &r.name },
	"cluster":    func(r *machineRow) *string { return &r.cluster },
	"nodename":   func(r *machineRow) *string { return &r.nodeName },
	"providerid": func(r *machineRow) *string { return &r.providerID },
	"ready":      func(r *machineRow) *string { return &r.ready },
	"phase":      func(r *machineRow) *string { return &r.phase },
	"version":    func(r *machineRow) *string { return &r.version },
}

// optionalMachineColumns are read when the CRD has them (v1beta2's).
var optionalMachineColumns = map[string]func(*machineRow) *string{
	"available": func(r *machineRow) *string { return &r.available },
	"uptodate":  func(r *machineRow) *string { return &r.upToDate },
	"paused":    func(r *machineRow) *string { return &r.paused },
}

// listMachines reads the Machines from their table and metadata, and the
// few not Ready whole; else all in full. The metadata is asked for with the
// table, not after it: the two take about as long, and one full list is
// the rare case. Requests: two, plus one per Machine not Ready up to
// maxNotReadyGets, or three with a full list.
func (r *reader) listMachines(ctx context.Context, res kube.Resource, ns string) ([]*unstructured.Unstructured, error) {
	if res.GVR.Version == "v1beta1" {
		// CAPI's v1beta1 Machine CRD has no Ready column (v1beta2's has):
		// its table could not say which Machines are Ready.
		return r.listReduced(ctx, res, ns)
	}
	var (
		metas   []metav1.PartialObjectMetadata
		metaErr error
		wg      sync.WaitGroup
	)
	// On every way out: the metadata request is cancelled if still going,
	// then waited for, so it never outlives the read.
	defer wg.Wait()
	metaCtx, cancelMeta := context.WithCancel(ctx)
	defer cancelMeta()
	wg.Go(func() { metas, metaErr = r.listMetadata(metaCtx, res, ns) })

	table, err := r.machineTable(ctx, res, ns)
	if err != nil {
		return nil, err
	}
	rows, why := machineRows(table)
	notReady := notReadyNames(rows)
	if why == "" && len(notReady) > maxNotReadyGets {
		why = fmt.Sprintf("%d Machines are not Ready", len(notReady))
	}
	if why == "" {
		whole, wholeErr := r.getEach(ctx, res, ns, notReady)
		wg.Wait()
		var items []*unstructured.Unstructured
		switch {
		case metaErr != nil:
			return nil, metaErr
		case apierrors.IsNotFound(wholeErr):
			why = "a Machine went away between the table and its read"
		case wholeErr != nil:
			return nil, wholeErr
		default:
			if items, why = joinMachines(res.GVR.GroupVersion().String(), rows, metas, whole); why == "" {
				return items, nil
			}
		}
	}
	cancelMeta()
	klog.V(4).Infof("reading the Machines in full: %s", why)
	return r.listReduced(ctx, res, ns)
}

// getEach reads the named objects whole, concurrently, reduced as a list's.
func (r *reader) getEach(ctx context.Context, res kube.Resource, ns string, names []string) ([]*unstructured.Unstructured, error) {
	out := make([]*unstructured.Unstructured, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			body, err := r.rest.Get().AbsPath(append(listPath(res, ns), name)...).SetHeader("Accept", acceptJSON).Do(ctx).Raw()
			if err != nil {
				errs[i] = err
				return
			}
			var item listItem
			if err := jsoniter.ConfigCompatibleWithStandardLibrary.Unmarshal(body, &item); err != nil {
				errs[i] = fmt.Errorf("decoding %s %s: %w", res.Kind, name, err)
				return
			}
			out[i], errs[i] = item.reduced(res.GVR.GroupVersion().String(), res.Kind)
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (r *reader) machineTable(ctx context.Context, res kube.Resource, ns string) (*metav1.Table, error) {
	body, err := r.rest.Get().AbsPath(listPath(res, ns)...).Param("includeObject", "None").
		SetHeader("Accept", acceptTable).Do(ctx).Raw()
	if err != nil {
		if apierrors.IsNotFound(err) {
			return &metav1.Table{}, nil
		}
		return nil, fmt.Errorf("listing %s: %w", res.GVR.GroupResource(), err)
	}
	var t metav1.Table
	if err := jsoniter.ConfigCompatibleWithStandardLibrary.Unmarshal(body, &t); err != nil {
		return nil, fmt.Errorf("listing %s: decoding the table: %w", res.GVR.GroupResource(), err)
	}
	return &t, nil
}

// machineRows reads the table's rows. why, when not empty, says why the
// Machines must be read in full instead.
func machineRows(t *metav1.Table) (rows []machineRow, why string) {
	if t.Kind != "Table" {
		return nil, "the API server answered with a " + t.Kind + ", not a Table"
	}
	index := map[string]int{}
	for i, c := range t.ColumnDefinitions {
		key := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(c.Name))
		_, required := machineColumns[key]
		_, optional := optionalMachineColumns[key]
		if required || optional {
			index[key] = i
		}
	}
	for key := range machineColumns {
		if _, ok := index[key]; !ok {
			return nil, "the Machine CRD has no " + key + " column"
		}
	}
	for _, tr := range t.Rows {
		var row machineRow
		for key, i := range index {
			field, ok := machineColumns[key]
			if !ok {
				field = optionalMachineColumns[key]
			}
			if i < len(tr.Cells) {
				*field(&row) = cellString(tr.Cells[i])
			}
		}
		if row.name == "" {
			return nil, "a table row without a name"
		}
		rows = append(rows, row)
	}
	return rows, ""
}

// notReadyNames are the Machines to read whole (wholeReadNeeded).
func notReadyNames(rows []machineRow) []string {
	var out []string
	for _, r := range rows {
		if r.wholeReadNeeded() {
			out = append(out, r.name)
		}
	}
	return out
}

// cellString is a cell as text: nil, a missing field, is empty.
func cellString(c any) string {
	switch v := c.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// joinMachines puts each Machine's row and metadata together, in the shape
// a full read reduces it to, so that toObject and toMachine serve both; a
// Machine read whole (not Ready) is taken as read.
func joinMachines(apiVersion string, rows []machineRow, metas []metav1.PartialObjectMetadata, whole []*unstructured.Unstructured) ([]*unstructured.Unstructured, string) {
	const changed = "the Machines changed between the table and the metadata"
	byName := make(map[string]*machineRow, len(rows))
	for i := range rows {
		byName[rows[i].name] = &rows[i]
	}
	wholeByName := make(map[string]*unstructured.Unstructured, len(whole))
	for _, u := range whole {
		wholeByName[u.GetName()] = u
	}
	if len(metas) != len(byName) {
		return nil, changed
	}
	out := make([]*unstructured.Unstructured, 0, len(metas))
	for i := range metas {
		row, ok := byName[metas[i].Name]
		if !ok {
			return nil, changed
		}
		if w, ok := wholeByName[row.name]; ok {
			out = append(out, w)
			continue
		}
		if row.wholeReadNeeded() {
			return nil, "Machine " + row.name + " is not Ready and was not read whole"
		}
		spec := map[string]any{}
		setNonEmpty(spec, "clusterName", row.cluster)
		setNonEmpty(spec, "providerID", row.providerID)
		setNonEmpty(spec, "version", row.version)
		conds := []any{map[string]any{"type": "Ready", "status": row.ready}}
		for _, c := range [][2]string{{"Available", row.available}, {"UpToDate", row.upToDate}, {"Paused", row.paused}} {
			if c[1] != "" {
				conds = append(conds, map[string]any{"type": c[0], "status": c[1]})
			}
		}
		status := map[string]any{"conditions": conds}
		setNonEmpty(status, "phase", row.phase)
		if row.nodeName != "" {
			status["nodeRef"] = map[string]any{"name": row.nodeName}
		}
		u := metadataObject(apiVersion, "Machine", &metas[i].ObjectMeta)
		u.Object["spec"], u.Object["status"] = spec, status
		out = append(out, u)
	}
	return out, ""
}
