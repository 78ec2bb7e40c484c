package updatepath_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// benchPair is a template and its render with an internal ALB.
func benchPair(b *testing.B, data []byte) (deployed, rendered map[string]any) {
	b.Helper()
	doc, err := template.Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: renderSettings("internal/keep", "validate")})
	if err != nil {
		b.Fatal(err)
	}
	return doc, res.Fragment
}

func benchPlan(b *testing.B, data []byte) {
	deployed, rendered := benchPair(b, data)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: deployed, New: rendered, Today: today}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRender(b *testing.B, data []byte) {
	doc, err := template.Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: renderSettings("internal/keep", "validate")}); err != nil {
			b.Fatal(err)
		}
	}
}

// The plan against the render it plans, on the stable fixture and on the
// 1 MB benchmark template (goal: plan <= 1.5x render).
func BenchmarkPlanStable(b *testing.B)   { benchPlan(b, quiltfixture.Stable()) }
func BenchmarkRenderStable(b *testing.B) { benchRender(b, quiltfixture.Stable()) }
func BenchmarkPlanLarge(b *testing.B)    { benchPlan(b, quiltfixture.Large(150)) }
func BenchmarkRenderLarge(b *testing.B)  { benchRender(b, quiltfixture.Large(150)) }

// cpuTime is the process's CPU time (user and system): on a shared machine
// it compares the plan with the render more fairly than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchRatio renders and plans in turn and reports the CPU time ratio
// plan/render (goal: <= 1.5).
func benchRatio(b *testing.B, data []byte) {
	doc, rendered := benchPair(b, data)
	var render, plan time.Duration
	for i := 0; i < b.N; i++ {
		c := cpuTime()
		if _, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: renderSettings("internal/keep", "validate")}); err != nil {
			b.Fatal(err)
		}
		render += cpuTime() - c
		c = cpuTime()
		if _, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: doc, New: rendered, Today: today}); err != nil {
			b.Fatal(err)
		}
		plan += cpuTime() - c
	}
	if render > 0 {
		b.ReportMetric(float64(plan)/float64(render), "plan/render")
	}
}

func BenchmarkRatioStable(b *testing.B) { benchRatio(b, quiltfixture.Stable()) }
func BenchmarkRatioLarge(b *testing.B)  { benchRatio(b, quiltfixture.Large(150)) }
