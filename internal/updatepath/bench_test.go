package updatepath_test

import (
	"context"
	"testing"

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
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: renderSettings("internal", "validate")})
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
		if _, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: renderSettings("internal", "validate")}); err != nil {
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
