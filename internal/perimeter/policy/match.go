package policy

import (
	"strings"
	"unicode/utf8"
)

// globMatch reports whether s matches pattern, where '*' matches any run of
// characters (including none) and '?' matches exactly one character. The
// comparison is byte-wise after an optional lower-casing by the caller;
// '?' consumes one UTF-8 encoded rune.
func globMatch(pattern, s string) bool {
	// Iterative matcher with single-star backtracking: linear in practice and
	// never recursive, so hostile patterns cannot blow the stack.
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			switch pattern[p] {
			case '*':
				starP, starI = p, i
				p++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[i:])
				i += n
				p++
				continue
			default:
				if pattern[p] == s[i] {
					p++
					i++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starI++
		p, i = starP+1, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// MatchAction matches an action pattern (service:Action with the wildcards
// * and ?, nothing else: no classes, no escapes) case-insensitively, as
// IAM does.
func MatchAction(pattern, action string) bool {
	return globMatch(strings.ToLower(pattern), strings.ToLower(action))
}

// matchARN matches an ARN pattern the way IAM matches Resource elements and
// the Arn* condition operators: "*" alone matches everything; otherwise each
// of the six colon-separated components (arn, partition, service, region,
// account, resource) is matched on its own, case-sensitively, and wildcards
// in the last component may span '/' and ':'.
func matchARN(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		// A pattern with fewer components never matches a full ARN (and
		// the reverse); outside ARNs, compare the whole strings.
		return len(pp) == len(ap) && globMatch(pattern, arn)
	}
	for k := range pp {
		if !globMatch(pp[k], ap[k]) {
			return false
		}
	}
	return true
}

// MatchARN reports whether a Resource pattern covers arn, component by
// component, as IAM matches Resource elements.
func MatchARN(pattern, arn string) bool { return matchARN(pattern, arn) }
