package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"syscall"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// quiltLike is the Quilt-like benchmark template of about 1 MB
// (quiltfixture.Large), shared with the update-path benchmark.
func quiltLike(n int) []byte { return quiltfixture.Large(n) }

func benchTemplate(b *testing.B) []byte {
	data := quiltLike(150)
	b.SetBytes(int64(len(data)))
	start := cpuTime()
	b.Cleanup(func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	})
	return data
}

// cpuTime is the process's user+system CPU time: on a shared, loaded
// machine it is a steadier figure than wall time (it includes GC work).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// quiltLikeSettings are the settings of the runs on quiltLike: the
// side-by-side load balancer.
var quiltLikeSettings = map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep",
	"UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0"}

func TestQuiltLikeSize(t *testing.T) {
	data := quiltLike(150)
	doc, err := template.DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	n := len(template.Resources(doc))
	if len(data) < 900_000 || n < 800 {
		t.Fatalf("generated template is %d bytes with %d resources; want about 1 MB and 800+", len(data), n)
	}
	res, err := Transform(context.Background(), Request{Fragment: doc, Params: quiltLikeSettings})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) == 0 || len(res.Renamed) != 3 || res.Renamed["Api"] != "ApiPrivate" || res.Renamed["ApiStage"] != "ApiStagePrivate" {
		t.Fatalf("expected a real rewrite, got %d changes, renamed %v", len(res.Changes), res.Renamed)
	}
	t.Logf("%d bytes, %d resources, %d changes", len(data), n, len(res.Changes))
}

// BenchmarkTransform decodes the bytes, rewrites them and encodes the result,
// as the macro does.
func BenchmarkTransform(b *testing.B) {
	data := benchTemplate(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		doc, err := template.DecodeJSON(data)
		if err != nil {
			b.Fatal(err)
		}
		res, err := Transform(ctx, Request{Fragment: doc, Params: quiltLikeSettings})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := template.EncodeJSON(res.Fragment, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONRoundTrip is the floor for any JSON macro: encoding/json
// decode into any and encode of the same bytes.
func BenchmarkJSONRoundTrip(b *testing.B) {
	data := benchTemplate(b)
	b.ResetTimer()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCodec is the project's own decode (json.Number) and encode of the
// same bytes without the rewrite: the difference to BenchmarkTransform is
// the engine itself.
func BenchmarkCodec(b *testing.B) {
	data := benchTemplate(b)
	b.ResetTimer()
	for b.Loop() {
		doc, err := template.DecodeJSON(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := template.EncodeJSON(doc, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEngine is Transform alone on an already decoded document (the
// engine does not modify its input, so one decode serves every run).
func BenchmarkEngine(b *testing.B) {
	data := benchTemplate(b)
	doc, err := template.DecodeJSON(data)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Transform(ctx, Request{Fragment: doc, Params: quiltLikeSettings}); err != nil {
			b.Fatal(err)
		}
	}
}
