package stackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// ecsTargetPrefix is the X-Amz-Target prefix of the ECS JSON 1.1 API.
const ecsTargetPrefix = "AmazonEC2ContainerServiceV20141113."

// ECSService is what DescribeServices returns for one service, keyed in
// the scenario by its ARN (the physical id of AWS::ECS::Service), in the
// long form arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME.
type ECSService struct {
	// Cluster and Name default to the ones in the ARN.
	Cluster    string `yaml:"cluster"`
	Name       string `yaml:"name"`
	Status     string `yaml:"status"`     // default ACTIVE
	LaunchType string `yaml:"launchType"` // default FARGATE
	// AssignPublicIP is the awsvpc configuration's ENABLED or DISABLED;
	// empty: no networkConfiguration (bridge or host networking).
	AssignPublicIP string   `yaml:"assignPublicIp"`
	Subnets        []string `yaml:"subnets"`
	SecurityGroups []string `yaml:"securityGroups"`
}

// clusterAndName are the service's cluster and name.
func (e ECSService) clusterAndName(arn string) (cluster, name string) {
	cluster, name = e.Cluster, e.Name
	_, res, _ := strings.Cut(arn, ":service/")
	if c, n, ok := strings.Cut(res, "/"); ok {
		cluster, name = or(cluster, c), or(name, n)
	}
	return or(cluster, "default"), or(name, res)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// ecs serves the ECS JSON 1.1 API on POST / (X-Amz-Target
// AmazonEC2ContainerServiceV20141113.<Operation>): DescribeServices, at
// most 10 services of one cluster by name or ARN; a service the cluster
// does not have is a MISSING failure, as ECS answers. A fault's Target
// matches the cluster.
func (s *Server) ecs(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), ecsTargetPrefix)
	var in struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil && ok {
		writeJSONError(w, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	cluster := in.Cluster
	if i := strings.LastIndex(cluster, ":cluster/"); i >= 0 {
		cluster = cluster[i+len(":cluster/"):]
	}
	cluster = or(cluster, "default")
	if f := s.begin(r, "ecs", op, cluster); f != nil {
		writeJSONError(w, f.Status, faultCode(f), faultMessage(f))
		return
	}
	if !ok || op != "DescribeServices" {
		writeJSONError(w, http.StatusBadRequest, "UnknownOperationException", "stackfake: unsupported ECS call "+r.Header.Get("X-Amz-Target"))
		return
	}
	if len(in.Services) == 0 || len(in.Services) > 10 {
		writeJSONError(w, http.StatusBadRequest, "InvalidParameterException", "services must name between 1 and 10 services")
		return
	}
	known := false
	for arn, svc := range s.scn.ECSServices {
		if c, _ := svc.clusterAndName(arn); c == cluster {
			known = true
		}
	}
	if !known {
		writeJSONError(w, http.StatusBadRequest, "ClusterNotFoundException", "Cluster not found.")
		return
	}
	services, failures := []any{}, []any{}
	for _, ref := range in.Services {
		arn, svc, found := s.ecsService(cluster, ref)
		if !found {
			if !strings.HasPrefix(ref, "arn:") {
				ref = fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", s.scn.Region, s.scn.Account, cluster, ref)
			}
			failures = append(failures, map[string]any{"arn": ref, "reason": "MISSING"})
			continue
		}
		services = append(services, s.ecsServiceJSON(arn, svc))
	}
	b, err := json.Marshal(map[string]any{"services": services, "failures": failures})
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, "ServerException", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", "00000000-0000-4000-8000-000000000000")
	_, _ = w.Write(b)
}

// ecsService finds the cluster's service named or ARN'd ref.
func (s *Server) ecsService(cluster, ref string) (string, ECSService, bool) {
	arns := make([]string, 0, len(s.scn.ECSServices))
	for arn := range s.scn.ECSServices {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		svc := s.scn.ECSServices[arn]
		c, n := svc.clusterAndName(arn)
		if c == cluster && (arn == ref || n == ref) {
			return arn, svc, true
		}
	}
	return "", ECSService{}, false
}

func (s *Server) ecsServiceJSON(arn string, svc ECSService) map[string]any {
	cluster, name := svc.clusterAndName(arn)
	out := map[string]any{
		"serviceArn":         arn,
		"serviceName":        name,
		"clusterArn":         fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", s.scn.Region, s.scn.Account, cluster),
		"status":             or(svc.Status, "ACTIVE"),
		"launchType":         or(svc.LaunchType, "FARGATE"),
		"desiredCount":       1,
		"runningCount":       1,
		"pendingCount":       0,
		"schedulingStrategy": "REPLICA",
		"createdAt":          epochSeconds(1780304400),
	}
	if svc.AssignPublicIP != "" {
		out["networkConfiguration"] = map[string]any{"awsvpcConfiguration": map[string]any{
			"assignPublicIp": svc.AssignPublicIP,
			"subnets":        nonNil(svc.Subnets),
			"securityGroups": nonNil(svc.SecurityGroups),
		}}
	}
	return out
}

func epochSeconds(n int64) json.Number { return json.Number(fmt.Sprint(n)) }
