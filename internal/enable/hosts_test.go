package enable

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
)

// The host names of Quilt's listener rules, resolved with the stack's
// values (Fn::Join/Select/Split and Fn::Sub on QuiltWebHost); a rule with
// a path condition only (Voila) names no host of its own.
func TestHostNamesOfTheQuiltRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host string
		want []string
	}{
		{"quilt.example.com", []string{"quilt-registry.example.com", "quilt-s3-proxy.example.com", "quilt.example.com"}},
		{"Data.Example.com", []string{"data-registry.example.com", "data-s3-proxy.example.com", "data.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			doc := quiltfixture.Decode(quiltfixture.Stable())
			r := &Result{observer: nopObserver{}, input: Input{Now: time.Now}, stack: &deployedStack{Name: "quilt", Processed: doc,
				Parameters: map[string]string{"QuiltWebHost": tt.host}, Partition: "aws", Region: "us-east-1", AccountID: "123456789012"}}
			got, err := r.hostNames(context.Background())
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("hosts %v %v, want %v", got, err, tt.want)
			}
		})
	}
}
