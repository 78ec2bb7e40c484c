package verify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"gopkg.in/yaml.v3"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
)

// testNow is the clock of every scenario (canary freshness).
var testNow = time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)

// expectation is the "expect" block of a scenario file.
type expectation struct {
	Expect struct {
		OK  bool     `yaml:"ok"`
		IDs []string `yaml:"ids"`
	} `yaml:"expect"`
}

// startScenario serves testdata/<name>.yaml and returns clients that talk
// to it through the real SDK.
func startScenario(t *testing.T, name string) (*stackfake.Server, Clients) {
	t.Helper()
	scn, err := stackfake.Load(filepath.Join("testdata", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := stackfake.Start(scn)
	t.Cleanup(srv.Close)
	cfg := aws.Config{
		Region:           scn.Region,
		Credentials:      aws.AnonymousCredentials{},
		BaseEndpoint:     aws.String(srv.URL()),
		RetryMaxAttempts: 3,
	}
	c := NewClients(cfg)
	c.Network.EC2 = nil // no EC2 double in these scenarios: network preflight skipped
	return srv, c
}

func run(t *testing.T, c Clients, in Input) finding.Report {
	t.Helper()
	if in.Stack == "" {
		in.Stack = "quilt"
	}
	in.Region = "us-east-1"
	in.Now = func() time.Time { return testNow }
	rep, err := Run(context.Background(), c, in)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func ids(r finding.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if !slices.Contains(out, f.ID) {
			out = append(out, f.ID)
		}
	}
	slices.Sort(out)
	return out
}

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) < 6 {
		t.Fatalf("scenarios: %v %v", files, err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var want expectation
			if err := yaml.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			_, c := startScenario(t, name)
			rep := run(t, c, Input{})
			got := ids(rep)
			wantIDs := slices.Clone(want.Expect.IDs)
			slices.Sort(wantIDs)
			if !slices.Equal(got, wantIDs) || rep.OK != want.Expect.OK {
				t.Errorf("ids = %v ok=%v, want %v ok=%v", got, rep.OK, wantIDs, want.Expect.OK)
			}
			for _, f := range rep.Findings {
				t.Logf("%s %s %s: %s | %s", f.Severity, f.ID, f.Resource, f.Message, f.Remedy)
				if f.Resource == "" || f.Message == "" || f.Remedy == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

func TestStackNotFound(t *testing.T) {
	_, c := startScenario(t, "healthy")
	_, err := Run(context.Background(), c, Input{Stack: "nope", Region: "us-east-1"})
	if !errors.Is(err, ErrStackNotFound) || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("err = %v", err)
	}
}
