package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// maxBootstrapBytes is the size limit of the stripped macro bootstrap.
const maxBootstrapBytes = 15 << 20

// TestMacroDoesNotLinkEC2: the macro needs no AWS API client, and the EC2
// client alone is tens of megabytes.
func TestMacroDoesNotLinkEC2(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", "./macro")
	cmd.Dir = testenv.Root(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps printed too little: %q", out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/aws/aws-sdk-go-v2/service/ec2") {
			t.Errorf("the macro links %s", d)
		}
	}
	found := false
	for _, d := range deps {
		found = found || d == "github.com/quiltdata/quilt-private-endpoints/internal/transform"
	}
	if !found {
		t.Error("go list -deps ./macro does not list internal/transform: the check looks at the wrong package")
	}
}

// TestBootstrapSize builds the macro as `make build` does (stripped) and
// checks the size limit.
func TestBootstrapSize(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w -buildid=", "-o", out, "./macro")
	cmd.Dir = testenv.Root(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stripped macro bootstrap (linux/%s): %d bytes (%.2f MB)", runtime.GOARCH, fi.Size(), float64(fi.Size())/(1<<20))
	if fi.Size() > maxBootstrapBytes {
		t.Errorf("stripped bootstrap is %d bytes, more than %d", fi.Size(), maxBootstrapBytes)
	}
}
