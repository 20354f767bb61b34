package crds

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// readField is one field path pkg/reader reads, the kinds it reads it
// from (those of one switch case, joined by "|": the case reads the field
// of whichever it holds), and the type its read expects ("" for any).
type readField struct {
	kinds, path, typ string
}

// readerFields derives, from pkg/reader's source, the fields it reads from
// EKS-A's kinds: every read in a `switch u.GetKind()` case or under an
// `if o.Kind == "..."`, following the reader's own helpers, starting at the
// functions that call eksaFields. A read added to the reader is checked
// against the stand-ins without anyone listing it here.
func readerFields(t *testing.T) []readField {
	t.Helper()
	consts := stringConsts(t, "../../../pkg/eksa")
	funcs := map[string]*ast.FuncDecl{}
	for _, f := range parseDir(t, "../../../pkg/reader") {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				funcs[fd.Name.Name] = fd
			}
		}
	}
	w := &fieldWalker{funcs: funcs, consts: consts, seen: map[readField]bool{}}
	for _, fd := range funcs {
		if calls(fd, "eksaFields") {
			w.walk(fd.Body, nil, map[string]bool{fd.Name.Name: true})
		}
	}
	sort.Slice(w.out, func(i, j int) bool { return w.out[i].kinds+w.out[i].path < w.out[j].kinds+w.out[j].path })
	return w.out
}

type fieldWalker struct {
	funcs  map[string]*ast.FuncDecl
	consts map[string]string // eksa's string constants, by name
	seen   map[readField]bool
	out    []readField
}

// readTypes are the types the reader's read helpers expect.
var readTypes = map[string]string{
	"set": "string", "NestedString": "string", "NestedBool": "boolean", "NestedSlice": "array",
	"NestedMap": "object", "NestedInt64": "integer", "NestedFieldNoCopy": "", "nested": "",
}

func (w *fieldWalker) walk(n ast.Node, kinds []string, inside map[string]bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SwitchStmt:
			if call, ok := x.Tag.(*ast.CallExpr); ok && callName(call) == "GetKind" {
				for _, c := range x.Body.List {
					cc := c.(*ast.CaseClause)
					var ks []string
					for _, e := range cc.List {
						ks = append(ks, w.str(e))
					}
					for _, s := range cc.Body {
						w.walk(s, ks, inside)
					}
				}
				return false
			}
		case *ast.IfStmt:
			if b, ok := x.Cond.(*ast.BinaryExpr); ok && b.Op == token.EQL {
				if sel, ok := b.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Kind" {
					w.walk(x.Body, []string{w.str(b.Y)}, inside)
					if x.Else != nil {
						w.walk(x.Else, kinds, inside)
					}
					return false
				}
			}
		case *ast.TypeAssertExpr:
			if call, ok := x.X.(*ast.CallExpr); ok && callName(call) == "nested" {
				w.record(kinds, call, 1, map[string]string{"bool": "boolean", "[]any": "array", "string": "string"}[typeString(x.Type)])
				return false
			}
		case *ast.CallExpr:
			name := callName(x)
			switch {
			case name == "set":
				w.record(kinds, x, 3, "string")
			case strings.HasPrefix(name, "Nested") && len(x.Args) > 0 && isUObject(x.Args[0]):
				w.record(kinds, x, 1, readTypes[name])
			case name == "nested":
				w.record(kinds, x, 1, "")
			case w.funcs[name] != nil && !inside[name]:
				in := map[string]bool{name: true}
				for k := range inside {
					in[k] = true
				}
				w.walk(w.funcs[name].Body, kinds, in)
			}
		}
		return true
	})
}

// record adds the path of a read call whose path starts at argument from;
// a loop variable over a list of literals stands for each of them.
func (w *fieldWalker) record(kinds []string, call *ast.CallExpr, from int, typ string) {
	if len(kinds) == 0 || len(call.Args) <= from {
		return
	}
	paths := [][]string{nil}
	for _, a := range call.Args[from:] {
		var next [][]string
		for _, v := range w.values(a) {
			for _, p := range paths {
				next = append(next, append(append([]string(nil), p...), v))
			}
		}
		paths = next
	}
	for _, p := range paths {
		f := readField{strings.Join(kinds, "|"), strings.Join(p, "."), typ}
		if !w.seen[f] {
			w.seen[f] = true
			w.out = append(w.out, f)
		}
	}
}

// values are what an argument can be: a literal, an eksa constant, or each
// literal of the list a range loop binds it to.
func (w *fieldWalker) values(e ast.Expr) []string {
	if id, ok := e.(*ast.Ident); ok && id.Obj != nil {
		// go/parser declares a range loop's variables with an AssignStmt
		// whose right side is `range X`.
		if as, ok := id.Obj.Decl.(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
			if r, ok := as.Rhs[0].(*ast.UnaryExpr); !ok || r.Op != token.RANGE {
				return []string{w.str(e)}
			} else if lit, ok := r.X.(*ast.CompositeLit); ok {
				var out []string
				for _, el := range lit.Elts {
					out = append(out, w.str(el))
				}
				return out
			}
		}
	}
	return []string{w.str(e)}
}

func (w *fieldWalker) str(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.BasicLit:
		s, _ := strconv.Unquote(x.Value)
		return s
	case *ast.SelectorExpr:
		if v, ok := w.consts[x.Sel.Name]; ok {
			return v
		}
	}
	return "?"
}

func callName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

func isUObject(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Object"
}

func typeString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.ArrayType:
		return "[]" + typeString(x.Elt)
	}
	return ""
}

func calls(fd *ast.FuncDecl, name string) bool {
	found := false
	ast.Inspect(fd, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && callName(c) == name {
			found = true
		}
		return !found
	})
	return found
}

func parseDir(t *testing.T, dir string) []*ast.File {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	return out
}

// stringConsts are a package's string constants, by name.
func stringConsts(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range parseDir(t, dir) {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							out[n.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	return out
}
