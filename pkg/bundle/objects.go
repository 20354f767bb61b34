package bundle

import (
	"encoding/json"
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/redact"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// clusterFiles writes one YAML file per object status read from the
// cluster with role: the CAPI objects read with content as read, those
// read as metadata only (and the Secrets, ConfigMaps and EKS-A objects) as
// status holds them, each Secret with the names of its keys, and the Nodes.
func (b *builder) clusterFiles(role snapshot.Role) {
	cs := b.in.Snapshot.Cluster(role)
	if !cs.Reachable {
		b.notes = append(b.notes, fmt.Sprintf("%s cluster: not read (%s)", role, orNone(cs.Error)))
		return
	}
	whole := map[string]bool{}
	for _, u := range cs.Raw {
		obj := u.DeepCopy().Object
		b.object(role, u.GetKind(), u.GetNamespace(), u.GetName(), obj, "as status read it (its content)")
		whole[u.GetKind()+"/"+u.GetNamespace()+"/"+u.GetName()] = true
	}
	for _, o := range cs.Objects {
		if !whole[o.Kind+"/"+o.Namespace+"/"+o.Name] {
			b.reduced(role, o, nil, "as status read it (metadata only)")
		}
	}
	secretKeys := b.in.Extras[role].SecretKeys
	for _, o := range cs.Core {
		if o.Kind == "Secret" {
			keys := secretKeys[o.Namespace+"/"+o.Name]
			if keys == nil {
				keys = []string{}
			}
			b.reduced(role, o, map[string]any{"dataKeys": keys}, "metadata and the names of its keys; no values")
			continue
		}
		b.reduced(role, o, nil, "metadata only")
	}
	for _, o := range cs.EKSA {
		b.reduced(role, o, nil, "EKS-A object as status read it")
	}
	for _, n := range cs.Nodes {
		obj, err := toMap(n)
		if err != nil {
			continue
		}
		obj["kind"] = "Node"
		b.object(role, "Node", "", n.Name, obj, "the Node as status read it")
	}
}

// reduced writes an object status holds in its reduced form (snapshot.Object).
func (b *builder) reduced(role snapshot.Role, o snapshot.Object, extra map[string]any, about string) {
	obj, err := toMap(o)
	if err != nil {
		b.notes = append(b.notes, fmt.Sprintf("%s %s/%s: %v", role, o.Kind, o.Name, err))
		return
	}
	obj["kind"] = o.Kind
	for k, v := range extra {
		obj[k] = v
	}
	b.object(role, o.Kind, o.Namespace, o.Name, obj, about)
}

// object redacts obj and adds it as YAML.
func (b *builder) object(role snapshot.Role, kind, namespace, name string, obj map[string]any, about string) {
	redact.Object(obj, b.in.Known...)
	data, err := yaml.Marshal(obj)
	if err != nil {
		b.notes = append(b.notes, fmt.Sprintf("%s %s/%s: %v", role, kind, name, err))
		return
	}
	b.add(objectPath(role, kind, namespace, name), redact.Text(data, b.in.Known...),
		fmt.Sprintf("%s %s on the %s cluster, %s", kind, name, role, about))
}

func toMap(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	return out, json.Unmarshal(data, &out)
}
