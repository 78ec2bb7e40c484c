package cfnresponse

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ResponseBucketPrefix starts the name of the S3 bucket CloudFormation's
// presigned ResponseURLs point into; the Region without dashes follows
// (cloudformation-custom-resource-response-useast1).
const ResponseBucketPrefix = "cloudformation-custom-resource-response-"

// OriginsEnv names the environment variable that adds trusted ResponseURL
// origins (comma-separated scheme://host:port) to CloudFormation's own:
// for tests (a loopback receiver) and partitions whose S3 hosts
// ResponseOrigin does not know. The shipped template never sets it.
const OriginsEnv = "QPE_RESPONSE_ORIGINS"

// Origin is one trusted scheme://host:port.
type Origin struct{ Scheme, Host, Port string }

func (o Origin) String() string { return o.Scheme + "://" + net.JoinHostPort(o.Host, o.Port) }

// ParseOrigins reads the value of QPE_RESPONSE_ORIGINS. Every entry must be
// scheme://host:port with nothing else (no user info, path, query); an
// invalid entry is an error naming it, and none of the value is trusted.
func ParseOrigins(v string) ([]Origin, error) {
	var out []Origin
	var bad []string
	for _, e := range strings.Split(v, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		u, err := url.Parse(e)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.Hostname() == "" || u.Port() == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			bad = append(bad, fmt.Sprintf("%q", e))
			continue
		}
		out = append(out, Origin{Scheme: u.Scheme, Host: strings.ToLower(u.Hostname()), Port: u.Port()})
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s: %s not of the form scheme://host:port (e.g. http://127.0.0.1:8080): no extra origin is trusted", OriginsEnv, strings.Join(bad, ", "))
	}
	return out, nil
}

// partitionSuffix is the DNS suffix of S3 in the Region's partition, or ""
// for a partition this function does not know (add its origin with
// QPE_RESPONSE_ORIGINS).
func partitionSuffix(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "amazonaws.com.cn"
	case strings.HasPrefix(region, "us-iso"), strings.HasPrefix(region, "eu-isoe"):
		return ""
	case region != "":
		return "amazonaws.com"
	}
	return ""
}

// CheckResponseURL says why a ResponseURL is not one CloudFormation would
// send to a function in region, or nil: it must be https, without user
// info, on port 443, to the bucket cloudformation-custom-resource-response-
// <region without dashes> on an S3 host of the Region's partition
// (virtual-hosted <bucket>.s3.amazonaws.com, <bucket>.s3.<region>...,
// <bucket>.s3-<region>..., or path-style s3[.-]<region>.../<bucket>/...);
// or to one of the extra origins (any path).
func CheckResponseURL(raw, region string, extra []Origin) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("the ResponseURL is not a URL")
	}
	if u.User != nil {
		return fmt.Errorf("the ResponseURL carries user info (user@host): refused")
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	for _, o := range extra {
		if u.Scheme == o.Scheme && host == o.Host && port == o.Port {
			return nil
		}
	}
	where := u.Scheme + "://" + u.Host
	if u.Scheme != "https" || (port != "" && port != "443") {
		return fmt.Errorf("the ResponseURL %s is not https to CloudFormation's response bucket: refused", where)
	}
	suffix := partitionSuffix(region)
	bucket := ResponseBucketPrefix + strings.ReplaceAll(region, "-", "")
	if suffix == "" || region == "" {
		return fmt.Errorf("the ResponseURL %s cannot be checked: the function's Region %q has no known S3 host (set %s)", where, region, OriginsEnv)
	}
	s3Hosts := []string{"s3." + suffix, "s3." + region + "." + suffix, "s3-" + region + "." + suffix, "s3.dualstack." + region + "." + suffix}
	for _, h := range s3Hosts {
		if host == bucket+"."+h {
			return nil
		}
		if host == h && strings.HasPrefix(u.EscapedPath(), "/"+bucket+"/") {
			return nil
		}
	}
	return fmt.Errorf("the ResponseURL %s is not CloudFormation's response bucket %s in %s: refused", where, bucket, region)
}
