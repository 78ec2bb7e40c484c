// Package awsid knows the shape of AWS ids: EC2 resource ids (a prefix
// ("vpce", "vpc", "subnet", "sg", ...), "-", then 8 (older) or 17 lowercase
// hex characters) and account ids (12 digits).
package awsid

import "strings"

// Valid reports whether id is prefix, "-", then 8 or 17 lowercase hex
// characters.
func Valid(id, prefix string) bool {
	hex, ok := strings.CutPrefix(id, prefix+"-")
	return ok && (len(hex) == 8 || len(hex) == 17) && strings.Trim(hex, "0123456789abcdef") == ""
}

// Pattern is the regular expression of ids with the prefix, for a
// CloudFormation AllowedPattern.
func Pattern(prefix string) string {
	return `^` + prefix + `-([0-9a-f]{8}|[0-9a-f]{17})$`
}

// Account reports whether s is an AWS account id: 12 decimal digits.
func Account(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

// Partition returns the ARN partition of a Region (aws for an unknown one).
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	}
	return "aws"
}
