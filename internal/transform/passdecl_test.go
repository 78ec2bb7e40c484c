package transform

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// parsePackage parses the package's source (not its tests): the files,
// and the functions and methods by name.
func parsePackage(t *testing.T) (*token.FileSet, []*ast.File, map[string][]*ast.FuncDecl) {
	t.Helper()
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	funcs := map[string][]*ast.FuncDecl{}
	var parsed []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, af)
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				funcs[fd.Name.Name] = append(funcs[fd.Name.Name], fd)
			}
		}
	}
	return fset, parsed, funcs
}

// resultTable reads the table of results (results.go): for each key
// variable, the result's name and the name of its Go type (T of
// resultKey[*T]).
func resultTable(t *testing.T, files []*ast.File) (names, types map[string]string) {
	t.Helper()
	names, types = map[string]string{}, map[string]string{}
	for _, af := range files {
		for _, d := range af.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, v := range vs.Values {
					cl, ok := v.(*ast.CompositeLit)
					if !ok {
						continue
					}
					ix, ok := cl.Type.(*ast.IndexExpr)
					if !ok || !isIdent(ix.X, "resultKey") {
						continue
					}
					star, ok := ix.Index.(*ast.StarExpr)
					if !ok || len(cl.Elts) == 0 {
						t.Fatalf("result %s: want resultKey[*T]{name, make}", vs.Names[i].Name)
					}
					tn, _ := star.X.(*ast.Ident)
					bl, _ := cl.Elts[0].(*ast.BasicLit)
					if tn == nil || bl == nil {
						t.Fatalf("result %s: want resultKey[*T]{\"name\", make}", vs.Names[i].Name)
					}
					names[vs.Names[i].Name] = strings.Trim(bl.Value, `"`)
					types[vs.Names[i].Name] = tn.Name
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no results found in the package's source (resultKey[*T]{...} variables)")
	}
	return names, types
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// resultMethods classifies the methods of the results' Go types: a write
// calls the guard's writing first, a read its reading. A method that calls
// neither is an error: every access to a result is checked.
func resultMethods(t *testing.T, funcs map[string][]*ast.FuncDecl, types map[string]string) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	for _, typ := range types {
		out[typ] = map[string]bool{}
	}
	for name, fds := range funcs {
		for _, fd := range fds {
			if fd.Recv == nil || len(fd.Recv.List) != 1 {
				continue
			}
			star, ok := fd.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			recv, _ := star.X.(*ast.Ident)
			if recv == nil || out[recv.Name] == nil {
				continue
			}
			reads, writes := false, false
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
						reads = reads || sel.Sel.Name == "reading"
						writes = writes || sel.Sel.Name == "writing"
					}
				}
				return true
			})
			if !reads && !writes {
				t.Errorf("method %s.%s of a result checks no access: call g.reading() or g.writing() first", recv.Name, name)
			}
			out[recv.Name][name] = writes
		}
	}
	return out
}

// resultUses finds, in the package's source, the results each pass reads
// and writes: the calls of the methods of a result's value (K.of(st).M(),
// or v.M() after v := K.of(st)) in its run function and in every function
// of the package it calls or names (methods by name, an
// over-approximation). A method that calls writing writes the result;
// one that calls reading reads it. Any other use of K.of is an error.
func resultUses(t *testing.T) (reads, writes map[string]map[result]bool) {
	t.Helper()
	fset, parsed, funcs := parsePackage(t)
	keyName, keyType := resultTable(t, parsed)
	methods := resultMethods(t, funcs, keyType)
	// keyOf returns the key variable of K.of(...), or "".
	keyOf := func(e ast.Expr) string {
		c, ok := e.(*ast.CallExpr)
		if !ok {
			return ""
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "of" {
			return ""
		}
		if id, ok := sel.X.(*ast.Ident); ok && keyName[id.Name] != "" {
			return id.Name
		}
		return ""
	}
	type uses struct{ reads, writes map[result]bool }
	var visit func(fd *ast.FuncDecl, u *uses, seen map[*ast.FuncDecl]bool)
	visit = func(fd *ast.FuncDecl, u *uses, seen map[*ast.FuncDecl]bool) {
		if seen[fd] || fd.Body == nil {
			return
		}
		seen[fd] = true
		bound := map[string]string{}   // local variable -> key
		handled := map[ast.Expr]bool{} // K.of calls whose use is known
		use := func(key, method string, at ast.Node) {
			w, ok := methods[keyType[key]][method]
			if !ok {
				t.Errorf("%s: %s: %s is not a method of %s: use a result through its methods only", fset.Position(at.Pos()), fd.Name.Name, method, keyType[key])
				return
			}
			if w {
				u.writes[result(keyName[key])] = true
			} else {
				u.reads[result(keyName[key])] = true
			}
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.AssignStmt:
				if len(x.Lhs) == 1 && len(x.Rhs) == 1 {
					if k := keyOf(x.Rhs[0]); k != "" {
						if id, ok := x.Lhs[0].(*ast.Ident); ok {
							bound[id.Name] = k
							handled[x.Rhs[0]] = true
						}
					}
				}
			case *ast.CallExpr:
				if k := keyOf(x); k != "" && !handled[x] {
					t.Errorf("%s: %s: use %s.of(st) through its methods (%s.of(st).M(...), or v := %s.of(st) then v.M(...))", fset.Position(x.Pos()), fd.Name.Name, k, k, k)
				}
			case *ast.SelectorExpr:
				if x.Sel.Name == "results" && !(fd.Recv != nil && fd.Name.Name == "of") {
					t.Errorf("%s: %s reads state.results: reach a result through its key (K.of(st))", fset.Position(x.Pos()), fd.Name.Name)
				}
				if k := keyOf(x.X); k != "" {
					handled[x.X] = true
					use(k, x.Sel.Name, x)
				} else if id, ok := x.X.(*ast.Ident); ok && bound[id.Name] != "" {
					use(bound[id.Name], x.Sel.Name, x)
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
		for _, ref := range p.reads {
			r := ref.resultName()
			declR[r] = true
			if !reads[p.name][r] {
				t.Errorf("pass %s declares it reads %s, which its code does not read", p.name, r)
			}
		}
		for _, ref := range p.writes {
			r := ref.resultName()
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

// TestResultAccess: a pass that reads or writes a result it does not
// declare is a bug the driver reports, through every method of every
// result type (a read needs the result in the pass's reads or writes, a
// write in its writes); between the passes the driver reads results but
// writes none.
func TestResultAccess(t *testing.T) {
	ops := map[string]struct {
		ref resultRef
		do  func(*state)
	}{
		"logicalSet.Add":    {resPrivateAPIs, func(st *state) { resPrivateAPIs.of(st).Add("Api") }},
		"logicalSet.Remove": {resPrivateAPIs, func(st *state) { resPrivateAPIs.of(st).Remove("Api") }},
		"logicalSet.Has":    {resPrivateAPIs, func(st *state) { resPrivateAPIs.of(st).Has("Api") }},
		"logicalSet.Len":    {resPrivateAPIs, func(st *state) { resPrivateAPIs.of(st).Len() }},
		"logicalSet.Sorted": {resPrivateAPIs, func(st *state) { resPrivateAPIs.of(st).Sorted() }},
		"fact.Set":          {resNeedSG, func(st *state) { resNeedSG.of(st).Set() }},
		"fact.IsSet":        {resNeedSG, func(st *state) { resNeedSG.of(st).IsSet() }},
		"renames.Add":       {resRenamed, func(st *state) { resRenamed.of(st).Add("Api", "ApiPrivate") }},
		"renames.Get":       {resRenamed, func(st *state) { resRenamed.of(st).Get("Api") }},
		"renames.Len":       {resRenamed, func(st *state) { resRenamed.of(st).Len() }},
		"renames.Olds":      {resRenamed, func(st *state) { resRenamed.of(st).Olds() }},
		"renames.IsNew":     {resRenamed, func(st *state) { resRenamed.of(st).IsNew("ApiPrivate") }},
		"renames.Map":       {resRenamed, func(st *state) { resRenamed.of(st).Map() }},
		"walkerList.Add":    {resWalkers, func(st *state) { resWalkers.of(st).Add(renamer{}) }},
		"walkerList.All":    {resWalkers, func(st *state) { resWalkers.of(st).All() }},
	}
	// Every method of every result type is covered; the source says which
	// ones write.
	_, parsed, funcs := parsePackage(t)
	_, types := resultTable(t, parsed)
	writes := map[string]bool{}
	for typ, ms := range resultMethods(t, funcs, types) {
		for m, w := range ms {
			writes[typ+"."+m] = w
			if _, ok := ops[typ+"."+m]; !ok {
				t.Errorf("method %s.%s of a result: add it to TestResultAccess", typ, m)
			}
		}
	}
	nop := func(*state) error { return nil }
	for name, op := range ops {
		w, ok := writes[name]
		if !ok {
			t.Errorf("%s: not a method of a result type", name)
			continue
		}
		for _, c := range []struct {
			decl          string
			reads, writes []resultRef
			ok            bool
		}{
			{"undeclared", nil, nil, false},
			{"declared read", []resultRef{op.ref}, nil, !w},
			{"declared written", nil, []resultRef{op.ref}, true},
		} {
			ps := []pass{{name: "writer", writes: []resultRef{op.ref}, run: nop},
				{name: "p", reads: c.reads, writes: c.writes, run: func(st *state) error { op.do(st); return nil }}}
			err := newState(Request{}, Settings{}, nil).run(context.Background(), ps)
			verb := "reads"
			if w {
				verb = "writes"
			}
			want := fmt.Sprintf("pass p %s result %s, which it does not declare", verb, op.ref.resultName())
			switch {
			case c.ok && err != nil:
				t.Errorf("%s, %s: %v", name, c.decl, err)
			case !c.ok && (err == nil || !strings.Contains(err.Error(), want)):
				t.Errorf("%s, %s: got %v, want an error saying %q", name, c.decl, err, want)
			}
		}
		// The driver, between the passes, reads but does not write.
		st := newState(Request{}, Settings{}, nil)
		op.do(st)
		if w != (st.bug != nil) {
			t.Errorf("%s outside a pass: bug = %v", name, st.bug)
		}
	}
}
