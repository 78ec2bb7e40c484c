package cfnresponse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/cfn"
)

// EventError says which fields of an event could not be read. The event
// returned with it carries every field that could, so that a FAILED
// response can still reach its ResponseURL.
type EventError struct {
	Problems []string
	// Fields names the fields that could not be read.
	Fields []string
}

// Bad reports whether one of the fields could not be read.
func (e *EventError) Bad(fields ...string) bool {
	for _, f := range fields {
		if slices.Contains(e.Fields, f) {
			return true
		}
	}
	return false
}

func (e *EventError) Error() string {
	return "malformed custom resource event: " + strings.Join(e.Problems, "; ")
}

// DecodeEvent reads a custom resource event leniently. The Lambda runtime's
// own decoder rejects a whole event for one wrongly typed field
// (ResourceProperties: "oops"), before any handler runs, so that nothing
// answers and the stack waits for ServiceTimeout. DecodeEvent keeps every
// field it can read and returns an *EventError naming the others; the
// caller answers FAILED whenever the event has a ResponseURL. A payload
// that is not a JSON object is an *EventError with an empty event.
func DecodeEvent(payload []byte) (cfn.Event, error) {
	var ev cfn.Event
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil {
		return ev, &EventError{Problems: []string{"the event is not a JSON object: " + err.Error()}, Fields: []string{"RequestType", "ResponseURL"}}
	}
	var problems, fields []string
	str := func(key string, dst *string) {
		v, ok := raw[key]
		if !ok || string(v) == "null" {
			return
		}
		if err := json.Unmarshal(v, dst); err != nil {
			problems = append(problems, fmt.Sprintf("%s must be a string, got %s", key, brief(v)))
			fields = append(fields, key)
		}
	}
	obj := func(key string, dst *map[string]any) {
		v, ok := raw[key]
		if !ok || string(v) == "null" {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(v))
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			problems = append(problems, fmt.Sprintf("%s must be an object, got %s", key, brief(v)))
			fields = append(fields, key)
			return
		}
		*dst = m
	}
	var rt string
	str("RequestType", &rt)
	ev.RequestType = cfn.RequestType(rt)
	str("RequestId", &ev.RequestID)
	str("ResponseURL", &ev.ResponseURL)
	str("ResourceType", &ev.ResourceType)
	str("PhysicalResourceId", &ev.PhysicalResourceID)
	str("LogicalResourceId", &ev.LogicalResourceID)
	str("StackId", &ev.StackID)
	obj("ResourceProperties", &ev.ResourceProperties)
	obj("OldResourceProperties", &ev.OldResourceProperties)
	if !slices.Contains([]cfn.RequestType{cfn.RequestCreate, cfn.RequestUpdate, cfn.RequestDelete}, ev.RequestType) {
		if !slices.Contains(fields, "RequestType") {
			problems = append(problems, fmt.Sprintf("RequestType must be Create, Update or Delete, got %s", brief(raw["RequestType"])))
			fields = append(fields, "RequestType")
		}
	}
	if len(problems) > 0 {
		return ev, &EventError{Problems: problems, Fields: fields}
	}
	return ev, nil
}

// brief shows a bad JSON value in a few bytes (it is echoed in a Reason).
func brief(v json.RawMessage) string {
	if len(v) == 0 {
		return "nothing"
	}
	s := strings.Join(strings.Fields(string(v)), " ")
	if len(s) > 40 {
		s = cutUTF8(s, 37) + "..."
	}
	return s
}
