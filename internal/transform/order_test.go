package transform_test

import (
	"reflect"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// orderDoc is a small template: a bucket, a function using it, two
// canaries, a REST API with its deployment and stage, and a task
// definition whose environment names the API.
func orderDoc(t *testing.T) map[string]any {
	t.Helper()
	doc, err := template.Decode([]byte(`
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Environment: {Variables: {B: !Ref Bucket}}}
  CanaryA:
    Type: AWS::Synthetics::Canary
    Properties: {ArtifactS3Location: !Sub "s3://${Bucket}"}
  CanaryB:
    Type: AWS::Synthetics::Canary
    Properties: {Name: b}
  Api: {Type: AWS::ApiGateway::RestApi}
  ApiDeployment:
    Type: AWS::ApiGateway::Deployment
    Properties: {RestApiId: !Ref Api}
  ApiStage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Api, DeploymentId: !Ref ApiDeployment}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Environment:
            - {Name: API_GATEWAY, Value: !Sub "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/prod"}
`))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func dependsOn(t *testing.T, doc map[string]any) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for id, r := range template.Resources(doc) {
		if d, _ := template.DependsOn(r.(map[string]any)); len(d) > 0 {
			out[id] = d
		}
	}
	return out
}

func TestOrderings(t *testing.T) {
	tests := []struct {
		name     string
		order    func(map[string]any) (map[string]any, []transform.Change)
		want     map[string][]string
		resource []string
	}{
		{"canaries chained after the last resources",
			func(d map[string]any) (map[string]any, []transform.Change) {
				return transform.OrderCanaries(d, []string{"CanaryA", "CanaryB"})
			},
			map[string][]string{"CanaryA": {"ApiStage", "Fn", "Task"}, "CanaryB": {"CanaryA"}},
			[]string{"CanaryA", "CanaryB"}},
		{"canaries in the order given",
			func(d map[string]any) (map[string]any, []transform.Change) {
				return transform.OrderCanaries(d, []string{"CanaryB", "CanaryA"})
			},
			map[string][]string{"CanaryB": {"ApiStage", "Fn", "Task"}, "CanaryA": {"CanaryB"}},
			[]string{"CanaryB", "CanaryA"}},
		{"ids that are not canaries are left out",
			func(d map[string]any) (map[string]any, []transform.Change) {
				return transform.OrderCanaries(d, []string{"Fn", "Nope"})
			},
			map[string][]string{}, nil},
		{"the task definition waits for the stage",
			func(d map[string]any) (map[string]any, []transform.Change) {
				return transform.WaitForStages(d, []string{"Api"})
			},
			map[string][]string{"Task": {"ApiStage"}}, []string{"Task"}},
		{"an API not listed: nothing",
			func(d map[string]any) (map[string]any, []transform.Change) {
				return transform.WaitForStages(d, []string{"Bucket"})
			},
			map[string][]string{}, nil},
		{"stages first, then the canaries after the task definition",
			func(d map[string]any) (map[string]any, []transform.Change) {
				d, c1 := transform.WaitForStages(d, []string{"Api"})
				d, c2 := transform.OrderCanaries(d, []string{"CanaryA"})
				return d, append(c1, c2...)
			},
			map[string][]string{"Task": {"ApiStage"}, "CanaryA": {"Fn", "Task"}}, []string{"Task", "CanaryA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := orderDoc(t)
			before := template.Clone(in)
			out, changes := tt.order(in)
			if !reflect.DeepEqual(in, before) {
				t.Fatal("the input template was modified")
			}
			if got := dependsOn(t, out); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DependsOn = %v, want %v", got, tt.want)
			}
			var ids []string
			for _, c := range changes {
				ids = append(ids, c.Resource)
				if c.Detail == "" || c.Pass == "" {
					t.Errorf("change %+v: no pass or detail", c)
				}
			}
			if !reflect.DeepEqual(ids, tt.resource) {
				t.Errorf("changes of %v, want %v", ids, tt.resource)
			}
			// Nothing but DependsOn differs.
			strip := func(doc map[string]any) any {
				c := template.Clone(doc).(map[string]any)
				for _, r := range template.Resources(c) {
					delete(r.(map[string]any), "DependsOn")
				}
				return c
			}
			if !reflect.DeepEqual(strip(out), strip(before.(map[string]any))) {
				t.Error("the ordering changed more than DependsOn")
			}
		})
	}
}
