package perimeter

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

var update = flag.Bool("update", false, "rewrite testdata/*/expected.json from the generator")

// goldenInput is testdata/<case>/input.json: the options, plus the bucket
// when the case is a bucket policy.
type goldenInput struct {
	Options
	Bucket string `json:"bucket,omitempty"`
}

func generateGolden(t *testing.T, in goldenInput) *Document {
	t.Helper()
	spec, err := in.Options.Validate()
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if in.Bucket != "" {
		d, err := spec.BucketPolicy(in.Bucket)
		if err != nil {
			t.Fatalf("BucketPolicy: %v", err)
		}
		return d
	}
	return spec.SCP()
}

// TestGolden compares each generated policy with testdata/<case>/expected.json
// (indented), checks that the minified text fits the SCP limit, that it
// parses back with the evaluator, and that option order does not change it.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "input.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, inPath := range dirs {
		dir := filepath.Dir(inPath)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			raw, err := os.ReadFile(inPath)
			if err != nil {
				t.Fatal(err)
			}
			var in goldenInput
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				t.Fatalf("%s: %v", inPath, err)
			}
			doc := generateGolden(t, in)
			got, err := Render(doc, true)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			expPath := filepath.Join(dir, "expected.json")
			if *update {
				if err := os.WriteFile(expPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(expPath)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the generator's output:\n%s", expPath, got)
			}

			minified, err := Render(doc, false)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckSCPSize(minified); err != nil {
				t.Error(err)
			}
			if _, err := policy.Parse(minified); err != nil {
				t.Errorf("the evaluator rejects the generated policy: %v", err)
			}

			// Reversed flag order and duplicates give the same text.
			rev := in
			rev.VPCs = append(slices.Clone(in.VPCs), in.VPCs...)
			slices.Reverse(rev.VPCs)
			rev.IPs = slices.Clone(in.IPs)
			slices.Reverse(rev.IPs)
			rev.NATIPs = slices.Clone(in.NATIPs)
			slices.Reverse(rev.NATIPs)
			again, err := Render(generateGolden(t, rev), true)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(append(again, '\n'), got) {
				t.Errorf("option order changes the output:\n%s", again)
			}
		})
	}
}

func TestRenderMinifiedHasNoWhiteSpace(t *testing.T) {
	spec, err := Options{VPCs: []string{"vpc-0100000000000000a"}, IPs: []string{"192.0.2.0/24"}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	text, err := Render(spec.SCP(), false)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(text, " \n\t") {
		t.Errorf("minified policy holds white space: %s", text)
	}
	if !strings.HasPrefix(string(text), `{"Version":"2012-10-17","Statement":[{"Sid":"QuiltS3NetworkPerimeter","Effect":"Deny","Action":"s3:*"`) {
		t.Errorf("unexpected element order: %s", text)
	}
}
