package policy

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// operator is a base condition operator (without IfExists or a set
// qualifier). match compares one policy value with one request value.
type operator struct {
	name    string
	negated bool
	// variables: policy values may hold ${...} policy variables.
	variables bool
	match     func(policyValue, requestValue string) (bool, error)
	check     func(policyValue string) error
}

func (o operator) checkValue(v string) error {
	if o.check == nil {
		return nil
	}
	return o.check(v)
}

// operatorNames lists the base operators lookupOperator knows.
func operatorNames() []string {
	return []string{
		"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
		"StringLike", "StringNotLike",
		"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
		"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
		"NumericGreaterThan", "NumericGreaterThanEquals",
		"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
		"DateGreaterThan", "DateGreaterThanEquals",
		"Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "Null",
	}
}

// lookupOperator returns the base operator named name (case-sensitive).
func lookupOperator(name string) (operator, bool) {
	str := func(negated bool, f func(p, r string) bool) operator {
		return operator{name: name, negated: negated, variables: true,
			match: func(p, r string) (bool, error) { return f(p, r), nil }}
	}
	equal := func(p, r string) bool { return p == r }
	fold := strings.EqualFold
	arn := func(p, r string) bool { return matchARN(p, r) }
	switch name {
	case "StringEquals":
		return str(false, equal), true
	case "StringNotEquals":
		return str(true, equal), true
	case "StringEqualsIgnoreCase":
		return str(false, fold), true
	case "StringNotEqualsIgnoreCase":
		return str(true, fold), true
	case "StringLike":
		return str(false, globMatch), true
	case "StringNotLike":
		return str(true, globMatch), true
	case "ArnEquals", "ArnLike":
		// IAM documents ArnEquals and ArnLike as the same comparison.
		return str(false, arn), true
	case "ArnNotEquals", "ArnNotLike":
		return str(true, arn), true
	case "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
		"NumericGreaterThan", "NumericGreaterThanEquals":
		return compareOperator(name, strings.TrimPrefix(name, "Numeric"), parseNumber, "a number"), true
	case "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
		"DateGreaterThan", "DateGreaterThanEquals":
		return compareOperator(name, strings.TrimPrefix(name, "Date"), parseDate, "a date (ISO 8601 or epoch seconds)"), true
	case "Bool":
		return operator{name: name, match: func(p, r string) (bool, error) {
			return strings.EqualFold(p, r), nil
		}, check: func(p string) error {
			if !strings.EqualFold(p, "true") && !strings.EqualFold(p, "false") {
				//lint:ignore ST1005 "Bool" is the condition operator the message names
				return fmt.Errorf("Bool takes \"true\" or \"false\", not %q", p)
			}
			return nil
		}}, true
	case "BinaryEquals":
		return operator{name: name, match: func(p, r string) (bool, error) {
			pb, _ := base64.StdEncoding.DecodeString(p)
			rb, err := base64.StdEncoding.DecodeString(r)
			if err != nil {
				return false, fmt.Errorf("request value %q is not base64", r)
			}
			return bytes.Equal(pb, rb), nil
		}, check: func(p string) error {
			if _, err := base64.StdEncoding.DecodeString(p); err != nil {
				return fmt.Errorf("BinaryEquals takes base64, not %q", p)
			}
			return nil
		}}, true
	case "IpAddress", "NotIpAddress":
		return operator{name: name, negated: name == "NotIpAddress", match: func(p, r string) (bool, error) {
			prefix, err := ParsePrefix(p)
			if err != nil {
				return false, err
			}
			addr, err := netip.ParseAddr(strings.TrimSpace(r))
			if err != nil {
				return false, fmt.Errorf("request value %q is not an IP address", r)
			}
			return prefix.Contains(addr.Unmap()), nil
		}, check: func(p string) error {
			_, err := ParsePrefix(p)
			return err
		}}, true
	case "Null":
		return operator{name: name, check: func(p string) error {
			if !strings.EqualFold(p, "true") && !strings.EqualFold(p, "false") {
				//lint:ignore ST1005 "Null" is the condition operator the message names
				return fmt.Errorf("Null takes \"true\" (key absent) or \"false\" (key present), not %q", p)
			}
			return nil
		}}, true
	}
	return operator{}, false
}

// ParsePrefix parses an IPv4 or IPv6 CIDR, or a bare address (taken as a
// /32 or /128), as IpAddress accepts them, and returns the masked prefix.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block", s)
		}
		if p.Addr().Is4In6() {
			return netip.Prefix{}, fmt.Errorf("%q: write IPv4 blocks in dotted form", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q is neither an IP address nor a CIDR block", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// compareOperator builds a Numeric* or Date* operator from its suffix.
func compareOperator(name, suffix string, parse func(string) (*big.Rat, error), what string) operator {
	var test func(c int) bool
	negated := false
	switch suffix {
	case "Equals":
		test = func(c int) bool { return c == 0 }
	case "NotEquals":
		test, negated = func(c int) bool { return c == 0 }, true
	case "LessThan":
		test = func(c int) bool { return c > 0 } // policy > request
	case "LessThanEquals":
		test = func(c int) bool { return c >= 0 }
	case "GreaterThan":
		test = func(c int) bool { return c < 0 }
	case "GreaterThanEquals":
		test = func(c int) bool { return c <= 0 }
	}
	return operator{name: name, negated: negated, match: func(p, r string) (bool, error) {
		pv, err := parse(p)
		if err != nil {
			return false, err
		}
		rv, err := parse(r)
		if err != nil {
			return false, fmt.Errorf("request value %q is not %s", r, what)
		}
		return test(pv.Cmp(rv)), nil
	}, check: func(p string) error {
		if _, err := parse(p); err != nil {
			return fmt.Errorf("%s takes %s, not %q", name, what, p)
		}
		return nil
	}}
}

func parseNumber(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 || strings.ContainsAny(s, "/eE") {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return r, nil
}

func parseDate(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return new(big.Rat).SetInt64(n), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			r := new(big.Rat).SetInt64(t.Unix())
			return r.Add(r, big.NewRat(int64(t.Nanosecond()), int64(time.Second))), nil
		}
	}
	return nil, fmt.Errorf("%q is not a date", s)
}
