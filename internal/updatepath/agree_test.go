package updatepath

import (
	"context"
	"errors"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestFnSubReadsAsCloudFormation: the references the model follows in a
// Fn::Sub are CloudFormation's: a variable of the Fn::Sub's own map names
// no resource, and ${ Name.Attr } with spaces names Name (both were missed
// before internal/template's one walker and scanner).
func TestFnSubReadsAsCloudFormation(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		cycle     bool
	}{
		{"own variable named like a resource is no reference", `
Resources:
  A: {Type: AWS::SNS::Topic, Properties: {TopicName: !Sub ["${B}-topic", {B: !Ref C}]}}
  B: {Type: AWS::SQS::Queue, Properties: {QueueName: !GetAtt A.TopicName}}
  C: {Type: AWS::SQS::Queue}
`, false},
		{"spaces around a variable name still name it", `
Resources:
  A: {Type: AWS::SNS::Topic, Properties: {TopicName: !Sub "${ B.QueueName }-topic"}}
  B: {Type: AWS::SQS::Queue, Properties: {QueueName: !GetAtt A.TopicName}}
`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := template.Decode([]byte(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compute(context.Background(), Input{Deployed: doc, New: doc})
			var te *TemplateError
			if got := errors.As(err, &te); got != c.cycle {
				t.Errorf("cycle reported = %v (%v), want %v", got, err, c.cycle)
			}
		})
	}
}
