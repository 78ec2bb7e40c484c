package cfnresponse

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/cfn"
)

// Failure is an error whose Reason is a summary followed by a list of items
// (findings, most important first). When the response body would exceed
// 4,096 bytes, Encode keeps as many leading items as fit and says how many
// were left out.
type Failure struct {
	Summary string
	Items   []string
	// Noun names the items in the "N more <noun> not shown" note (default "findings").
	Noun string
	// Hint follows the note, e.g. "run `qpe check` to see all".
	Hint string
}

func (f *Failure) Error() string { return f.reason(len(f.Items)) }

func (f *Failure) reason(k int) string {
	var b strings.Builder
	b.WriteString(f.Summary)
	for i, it := range f.Items[:k] {
		if i == 0 && f.Summary != "" {
			b.WriteString(" ")
		} else if i > 0 {
			b.WriteString(" | ")
		}
		fmt.Fprintf(&b, "%d) %s", i+1, it)
	}
	if left := len(f.Items) - k; left > 0 {
		noun := f.Noun
		if noun == "" {
			noun = "findings"
		}
		fmt.Fprintf(&b, " | (%d more %s not shown", left, noun)
		if f.Hint != "" {
			b.WriteString("; " + f.Hint)
		}
		b.WriteString(")")
	}
	return b.String()
}

// marshal encodes without HTML escaping (so '<' stays one byte) and without
// the trailing newline.
func marshal(r cfn.Response) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// PhysicalID makes id acceptable to CloudFormation: non-empty (fallback when
// empty) and at most 1 KB (a long id keeps its head and gets a hash suffix,
// so it stays stable and distinct).
func PhysicalID(id, fallback string) string {
	if id == "" {
		id = fallback
	}
	if id == "" {
		id = "qpe-unknown"
	}
	if len(id) <= MaxPhysicalIDBytes {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	suffix := "~" + hex.EncodeToString(sum[:8])
	return cutUTF8(id, MaxPhysicalIDBytes-len(suffix)) + suffix
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a rune.
func cutUTF8(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

const truncMark = "... (truncated)"

// Encode returns the JSON body for r, at most MaxBodyBytes long. When fail is
// non-nil its items are fitted into Reason (most important first, with a
// count of those left out); any other Reason is cut with a "(truncated)" mark;
// if the body is still too large, Data is dropped and the Reason says so.
func Encode(r cfn.Response, fail *Failure) ([]byte, error) {
	r.PhysicalResourceID = PhysicalID(r.PhysicalResourceID, "")
	if fail != nil {
		r.Reason = fail.reason(len(fail.Items))
	}
	b, err := marshal(r)
	if err != nil || len(b) <= MaxBodyBytes {
		return b, err
	}
	if b, ok := fitReason(r, fail); ok {
		return b, nil
	}
	// Even an empty Reason does not fit: Data is too big.
	r.Data = nil
	if fail != nil {
		f := *fail
		f.Summary = strings.TrimSpace(f.Summary + " (response Data omitted: too large)")
		fail = &f
		r.Reason = fail.reason(len(fail.Items))
	} else {
		r.Reason = strings.TrimSpace(r.Reason + " (response Data omitted: too large)")
	}
	if b, err = marshal(r); err != nil || len(b) <= MaxBodyBytes {
		return b, err
	}
	if b, ok := fitReason(r, fail); ok {
		return b, nil
	}
	return nil, fmt.Errorf("response does not fit in %d bytes even without Reason and Data", MaxBodyBytes)
}

func fitReason(r cfn.Response, fail *Failure) ([]byte, bool) {
	if fail != nil {
		// Largest k leading items that fit (the size grows with k).
		lo, hi := -1, len(fail.Items) // lo fits (or -1: none checked), hi does not
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			r.Reason = fail.reason(mid)
			if b, err := marshal(r); err == nil && len(b) <= MaxBodyBytes {
				lo = mid
			} else {
				hi = mid
			}
		}
		if lo == 0 && len(fail.Items) > 0 {
			// Not even the most important item fits whole: show its head
			// rather than none of it.
			if b, ok := fitFirstItem(r, fail); ok {
				return b, true
			}
		}
		if lo >= 0 {
			r.Reason = fail.reason(lo)
			b, err := marshal(r)
			return b, err == nil
		}
		r.Reason = fail.reason(0)
	}
	// Cut the Reason itself: largest prefix that fits.
	full := r.Reason
	lo, hi := 0, len(full)
	var best []byte
	for lo <= hi {
		mid := (lo + hi) / 2
		r.Reason = cutUTF8(full, mid) + truncMark
		if b, err := marshal(r); err == nil && len(b) <= MaxBodyBytes {
			best = b
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	return best, best != nil
}

// fitFirstItem cuts the first item to the longest head that fits, followed
// by the count of the items left out.
func fitFirstItem(r cfn.Response, fail *Failure) ([]byte, bool) {
	f := *fail
	f.Items = append([]string(nil), fail.Items...)
	full := fail.Items[0]
	lo, hi := 0, len(full)
	var best []byte
	for lo <= hi {
		mid := (lo + hi) / 2
		f.Items[0] = cutUTF8(full, mid) + truncMark
		r.Reason = f.reason(1)
		if b, err := marshal(r); err == nil && len(b) <= MaxBodyBytes {
			best = b
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	return best, best != nil
}

// minEchoedID is the shortest an echoed id is cut to by Bare.
const minEchoedID = 64

// Bare returns a FAILED body for r with reason and no Data that always fits
// in MaxBodyBytes and is never empty. The ids echoed from the event are
// kept whole when they fit (real ones always do: a stack ARN is under 300
// bytes, a request id is a UUID, a logical id at most 255 bytes, a physical
// id at most 1 KB). Otherwise each is cut to the same limit, halved from
// 1,024 bytes down to 64 until the body fits, keeping its head and a hash
// of the whole (like PhysicalID), and the Reason says so: CloudFormation
// cannot match such an answer to its request, but the log and whoever
// reads the ResponseURL see FAILED and why, never an empty body.
func Bare(r cfn.Response, reason string) []byte {
	r.Status, r.Data, r.NoEcho, r.Reason = cfn.StatusFailed, nil, false, reason
	r.PhysicalResourceID = PhysicalID(r.PhysicalResourceID, "")
	orig := r
	for limit := MaxPhysicalIDBytes; ; limit /= 2 {
		if b, ok := fitReason(r, nil); ok {
			return b
		}
		limit = max(limit, minEchoedID)
		r.StackID = cutID(orig.StackID, limit)
		r.RequestID = cutID(orig.RequestID, limit)
		r.LogicalResourceID = cutID(orig.LogicalResourceID, limit)
		r.PhysicalResourceID = cutID(orig.PhysicalResourceID, limit)
		r.Reason = fmt.Sprintf("%s (the event's ids are too long for a 4,096-byte response: each cut to %d bytes)", reason, limit)
		if limit == minEchoedID {
			if b, ok := fitReason(r, nil); ok {
				return b
			}
			// Unreachable: four 64-byte ids escape to at most 1.6 KB.
			r.StackID, r.RequestID, r.LogicalResourceID, r.PhysicalResourceID = "", "", "", "qpe-unknown"
			r.Reason = "response too large"
			b, _ := marshal(r)
			return b
		}
	}
}

// cutID keeps id when it is at most n bytes, else its head and a hash.
func cutID(id string, n int) string {
	if len(id) <= n {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	suffix := "~" + hex.EncodeToString(sum[:8])
	return cutUTF8(id, n-len(suffix)) + suffix
}
