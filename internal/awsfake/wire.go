package awsfake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld/wire"
)

// stsNamespace is the xmlns of every STS answer.
const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// APIError is an AWS error answer.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// badRequest is a 400 error.
func badRequest(code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

func (s *Server) serveEC2(w http.ResponseWriter, r *http.Request, action string, params url.Values) {
	if v := params.Get("Version"); v != "2016-11-15" {
		writeError(w, r, protoEC2, badRequest("InvalidParameterValue", "Invalid Version %q for EC2", v))
		return
	}
	h, ok := s.ec2[action]
	if !ok {
		writeError(w, r, protoEC2, badRequest("InvalidAction", "The action %s is not valid for this web service.", action))
		return
	}
	s.mu.Lock()
	out, err := h(query{params})
	s.mu.Unlock()
	if err != nil {
		var ae *APIError
		if !errors.As(err, &ae) {
			ae = &APIError{Status: http.StatusInternalServerError, Code: "InternalError", Message: err.Error()}
		}
		writeError(w, r, protoEC2, ae)
		return
	}
	inner, err := marshalInner(out)
	if err != nil {
		writeError(w, r, protoEC2, &APIError{Status: 500, Code: "InternalError", Message: err.Error()})
		return
	}
	wire.EC2(w, action, inner, requestID())
}

// marshalInner encodes the fields of v without an element around them.
func marshalInner(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	data, err := xml.Marshal(struct {
		XMLName xml.Name `xml:"x"`
		V       any
	}{V: v})
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("<x>"))
	data = bytes.TrimSuffix(data, []byte("</x>"))
	// The struct value is encoded as <V>...</V>: strip that too.
	data = bytes.TrimPrefix(data, []byte("<V>"))
	data = bytes.TrimSuffix(data, []byte("</V>"))
	return data, nil
}

// writeError writes an error as the protocol does (the shared wire shapes;
// S3 answers a HEAD with the status only).
func writeError(w http.ResponseWriter, r *http.Request, p protocol, e *APIError) {
	id := requestID()
	switch {
	case p == protoEC2:
		wire.EC2Error(w, e.Status, e.Code, e.Message, id)
	case p == protoSTS:
		wire.QueryError(w, stsNamespace, e.Status, e.Code, e.Message, id)
	case r.Method == http.MethodHead:
		w.Header().Set("x-amz-request-id", id)
		w.WriteHeader(e.Status)
	default:
		wire.S3Error(w, e.Status, e.Code, e.Message, id)
	}
}

// query is an EC2 Query request's parameters.
type query struct{ v url.Values }

// Get returns a scalar parameter.
func (q query) Get(name string) string { return q.v.Get(name) }

// List returns a flattened list: Name.1, Name.2, ... in index order.
func (q query) List(name string) []string {
	idx := q.indexes(name)
	out := make([]string, 0, len(idx))
	for _, i := range idx {
		out = append(out, q.v.Get(name+"."+strconv.Itoa(i)))
	}
	return out
}

// Structs returns a flattened list of structures: Name.1.Field ... as
// sub-queries keyed by Field.
func (q query) Structs(name string) []query {
	var out []query
	for _, i := range q.indexes(name) {
		prefix := name + "." + strconv.Itoa(i) + "."
		sub := url.Values{}
		for k, vs := range q.v {
			if rest, ok := strings.CutPrefix(k, prefix); ok {
				sub[rest] = vs
			}
		}
		out = append(out, query{sub})
	}
	return out
}

// indexes lists the 1-based indexes present under name, sorted.
func (q query) indexes(name string) []int {
	seen := map[int]bool{}
	for k := range q.v {
		rest, ok := strings.CutPrefix(k, name+".")
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		if n, err := strconv.Atoi(num); err == nil && n > 0 {
			seen[n] = true
		}
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// filter is one Filter.N (or Filter.N for NAT gateways).
type filter struct {
	name   string
	values []string
}

// Filters returns the request's filters.
func (q query) Filters() []filter {
	var out []filter
	for _, f := range q.Structs("Filter") {
		out = append(out, filter{name: f.Get("Name"), values: f.List("Value")})
	}
	return out
}

// deepCopy copies a value through JSON.
func deepCopy(src, dst any) error {
	data, err := json.Marshal(src)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, dst)
}
