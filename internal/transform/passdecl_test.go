package transform

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// resultUses finds, in the package's source, the results each pass reads
// and writes: the state fields of allResults used in its run function and
// in every function of the package it calls or names (methods by name, an
// over-approximation). An assignment to the field, to one of its entries
// (st.moved[id] = true) or x = append(x, ...) writes it; anything else
// reads it.
func resultUses(t *testing.T) (reads, writes map[string]map[result]bool) {
	t.Helper()
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	funcs := map[string][]*ast.FuncDecl{} // by name (methods too)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				funcs[fd.Name.Name] = append(funcs[fd.Name.Name], fd)
			}
		}
	}
	isResult := map[string]bool{}
	for _, r := range allResults {
		isResult[string(r)] = true
	}
	type uses struct{ reads, writes map[result]bool }
	var visit func(fd *ast.FuncDecl, u *uses, seen map[*ast.FuncDecl]bool)
	visit = func(fd *ast.FuncDecl, u *uses, seen map[*ast.FuncDecl]bool) {
		if seen[fd] || fd.Body == nil {
			return
		}
		seen[fd] = true
		written := map[ast.Expr]bool{}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.AssignStmt:
				for _, l := range x.Lhs {
					if ix, ok := l.(*ast.IndexExpr); ok {
						l = ix.X
					}
					written[l] = true
				}
				for i, r := range x.Rhs {
					if c, ok := r.(*ast.CallExpr); ok && i < len(x.Lhs) {
						if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "append" && len(c.Args) > 0 {
							written[c.Args[0]] = true // x = append(x, ...)
						}
					}
				}
			case *ast.SelectorExpr:
				if isResult[x.Sel.Name] {
					if written[x] {
						u.writes[result(x.Sel.Name)] = true
					} else {
						u.reads[result(x.Sel.Name)] = true
					}
				}
				for _, g := range funcs[x.Sel.Name] {
					if g.Recv != nil {
						visit(g, u, seen)
					}
				}
			case *ast.Ident:
				for _, g := range funcs[x.Name] {
					if g.Recv == nil {
						visit(g, u, seen)
					}
				}
			}
			return true
		})
	}
	reads, writes = map[string]map[result]bool{}, map[string]map[result]bool{}
	for _, p := range passes() {
		name := runName(t, p)
		u := &uses{map[result]bool{}, map[result]bool{}}
		for _, fd := range funcs[name] {
			visit(fd, u, map[*ast.FuncDecl]bool{})
		}
		reads[p.name], writes[p.name] = u.reads, u.writes
	}
	return reads, writes
}

// runName is the name of a pass's run function, found in passes.go.
func runName(t *testing.T, p pass) string {
	t.Helper()
	src, _ := filepath.Abs("passes.go")
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, src, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	ast.Inspect(af, func(n ast.Node) bool {
		cl, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		var name, run string
		for _, e := range cl.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			k, _ := kv.Key.(*ast.Ident)
			switch {
			case k != nil && k.Name == "name":
				if bl, ok := kv.Value.(*ast.BasicLit); ok {
					name = strings.Trim(bl.Value, `"`)
				}
			case k != nil && k.Name == "run":
				if id, ok := kv.Value.(*ast.Ident); ok {
					run = id.Name
				}
			}
		}
		if name == p.name {
			out = run
		}
		return true
	})
	if out == "" {
		t.Fatalf("pass %s: no run function found in passes.go", p.name)
	}
	return out
}

// TestPassDeclarations: each pass declares the results its code reads and
// writes, so the order the driver derives from the declarations is the
// order the code needs. Every result the code writes is declared written;
// every result it reads is declared read, or written (a pass adding to a
// result reads what it added: not a result of another pass); a declared
// read is one the code makes.
func TestPassDeclarations(t *testing.T) {
	reads, writes := resultUses(t)
	for _, p := range passes() {
		declR, declW := map[result]bool{}, map[result]bool{}
		for _, r := range p.reads {
			declR[r] = true
			if !reads[p.name][r] {
				t.Errorf("pass %s declares it reads %s, which its code does not read", p.name, r)
			}
		}
		for _, r := range p.writes {
			declW[r] = true
			if !writes[p.name][r] {
				t.Errorf("pass %s declares it writes %s, which its code does not write", p.name, r)
			}
		}
		for r := range writes[p.name] {
			if !declW[r] {
				t.Errorf("pass %s writes %s without declaring it (writes)", p.name, r)
			}
		}
		for r := range reads[p.name] {
			if !declR[r] && !declW[r] {
				t.Errorf("pass %s reads %s without declaring it (reads)", p.name, r)
			}
		}
	}
}
