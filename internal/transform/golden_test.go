package transform

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

var update = flag.Bool("update", false, "rewrite the golden expected.json, changes.txt and error.txt files")

// goldenCase is one directory testdata/<pass>/<case>.
type goldenCase struct {
	name     string
	dir      string
	input    []byte
	settings map[string]any
}

func goldenCases(t testing.TB) []goldenCase {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "*", "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no golden cases under testdata/")
	}
	var out []goldenCase
	for _, in := range dirs {
		dir := filepath.Dir(in)
		c := goldenCase{name: filepath.ToSlash(strings.TrimPrefix(dir, "testdata"+string(filepath.Separator))), dir: dir}
		if c.input, err = os.ReadFile(in); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(filepath.Join(dir, "settings.json")); err == nil {
			v, err := template.DecodeJSON(b)
			if err != nil {
				t.Fatalf("%s/settings.json: %v", dir, err)
			}
			c.settings = v
		}
		out = append(out, c)
	}
	return out
}

// fragment decodes a case's input; a document that is not an object
// becomes a nil fragment, as the macro hands it over.
func fragment(t testing.TB, data []byte) map[string]any {
	v, err := template.DecodeJSONValue(data)
	if err != nil {
		t.Fatalf("input.json: %v", err)
	}
	m, _ := v.(map[string]any)
	return m
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			doc := fragment(t, c.input)
			before := template.Clone(doc)
			res, err := Transform(context.Background(), Request{Fragment: doc, Params: c.settings})
			if !reflect.DeepEqual(before, template.Clone(doc)) {
				t.Fatal("Transform modified the request's fragment")
			}
			errFile := filepath.Join(c.dir, "error.txt")
			if err != nil {
				var te *Error
				if !errors.As(err, &te) {
					t.Fatalf("error is a %T, not a *transform.Error: %v", err, err)
				}
				if res != nil {
					t.Fatal("partial output returned with an error")
				}
				checkGolden(t, errFile, []byte(err.Error()+"\n"))
				return
			}
			if _, statErr := os.Stat(errFile); statErr == nil && !*update {
				t.Fatalf("want the error in error.txt, got success")
			}
			out, err := template.EncodeJSON(res.Fragment, true)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join(c.dir, "expected.json"), out)
			checkGolden(t, filepath.Join(c.dir, "changes.txt"), report(res))
		})
	}
}

// report renders the changes and warnings of a result, one per line.
func report(res *Result) []byte {
	var b bytes.Buffer
	for _, c := range res.Changes {
		b.WriteString("change " + c.Pass + " " + c.Resource + ": " + c.Detail + "\n")
	}
	for _, w := range res.WarningTexts() {
		b.WriteString("warning " + w + "\n")
	}
	return b.Bytes()
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestIdempotent runs every golden expected.json through the engine again,
// with the same settings: nothing may change.
func TestIdempotent(t *testing.T) {
	for _, c := range goldenCases(t) {
		exp, err := os.ReadFile(filepath.Join(c.dir, "expected.json"))
		if err != nil {
			continue // error cases
		}
		t.Run(c.name, func(t *testing.T) {
			doc := fragment(t, exp)
			res, err := Transform(context.Background(), Request{Fragment: doc, Params: c.settings})
			if err != nil {
				t.Fatalf("second run failed: %v", err)
			}
			if len(res.Changes) != 0 {
				t.Errorf("second run changed: %s", report(res))
			}
			if !reflect.DeepEqual(res.Fragment, doc) {
				a, _ := template.EncodeJSON(res.Fragment, true)
				t.Errorf("second run output differs:\n%s", a)
			}
		})
	}
}

// TestDeterministic runs every case twice and compares the bytes.
func TestDeterministic(t *testing.T) {
	for _, c := range goldenCases(t) {
		var outs [2][]byte
		for i := range outs {
			res, err := Transform(context.Background(), Request{Fragment: fragment(t, c.input), Params: c.settings})
			if err != nil {
				outs[i] = []byte(err.Error())
				continue
			}
			outs[i], _ = template.EncodeJSON(res.Fragment, false)
			outs[i] = append(outs[i], report(res)...)
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("%s: two runs differ", c.name)
		}
	}
}

// TestEveryPassHasGoldenCases: each pass_<name>.go has testdata/<name>/.
func TestEveryPassHasGoldenCases(t *testing.T) {
	files, err := filepath.Glob("pass_*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no pass files: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(f, "pass_"), ".go")
		cases, _ := filepath.Glob(filepath.Join("testdata", name, "*", "input.json"))
		if len(cases) == 0 {
			t.Errorf("%s has no golden cases under testdata/%s/", f, name)
		}
	}
}
