package updatepath

import "time"

// canaryRuntimeSource names where the Synthetics runtime dates come from.
const canaryRuntimeSource = "cutover-and-trust.md section 3; " +
	"https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Runtime_Support_Policy.html " +
	"(deprecation dates, read 2026-12) and CloudWatch_Synthetics_Library_nodejs_puppeteer.html (each runtime's Lambda " +
	"runtime); the live AWS table is the authority"

// canaryDeprecated are the Synthetics runtime versions the support policy
// lists as deprecated, with the date (YYYY-MM-DD). A runtime missing here
// has no known deprecation date.
var canaryDeprecated = map[string]string{
	"syn-nodejs-puppeteer-3.8": "2024-01-08",
	"syn-nodejs-puppeteer-3.9": "2024-01-08",
	"syn-nodejs-puppeteer-4.0": "2024-03-08",
	"syn-nodejs-puppeteer-5.0": "2024-03-08",
	"syn-nodejs-puppeteer-5.1": "2024-03-08",
	"syn-nodejs-puppeteer-6.0": "2024-03-08",
	"syn-nodejs-puppeteer-6.1": "2024-03-08",
	"syn-python-selenium-1.3":  "2024-03-08",
	"syn-python-selenium-2.0":  "2024-03-08",
	"syn-nodejs-puppeteer-5.2": "2026-01-22",
	"syn-nodejs-puppeteer-6.2": "2026-01-22",
	"syn-nodejs-puppeteer-7.0": "2026-01-22",
	"syn-python-selenium-2.1":  "2026-01-22",
	"syn-python-selenium-3.0":  "2026-01-22",
	"syn-python-selenium-4.0":  "2026-02-03",
	"syn-python-selenium-4.1":  "2026-02-03",
	"syn-python-selenium-5.0":  "2026-02-03",
	"syn-python-selenium-5.1":  "2026-02-03",
}

// canaryLambdaRuntime maps a Synthetics runtime version that is not (yet)
// deprecated to the Lambda runtime it runs on, where the documentation
// says. The policy deprecates a Synthetics runtime when one of its
// components is no longer supported.
var canaryLambdaRuntime = map[string]string{
	"syn-nodejs-puppeteer-10.0": "nodejs20.x",
}

// canaryDeprecatedOn reports the date a Synthetics runtime was deprecated,
// if that is on or before today.
func canaryDeprecatedOn(runtime string, today time.Time) (string, bool) {
	d, ok := canaryDeprecated[runtime]
	if !ok {
		return "", false
	}
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return "", false
	}
	return d, !today.Before(t)
}

// canaryComponentDeprecated reports the Lambda runtime a Synthetics
// runtime runs on and Lambda's deprecation date, when Lambda deprecated it
// on or before today.
func canaryComponentDeprecated(runtime string, today time.Time) (lambda, date string, bad bool) {
	lambda, ok := canaryLambdaRuntime[runtime]
	if !ok {
		return "", "", false
	}
	p, ok := runtimePhases[lambda]
	if !ok {
		return "", "", false
	}
	t, err := time.Parse(time.DateOnly, p.Deprecated)
	if err != nil {
		return "", "", false
	}
	return lambda, p.Deprecated, !today.Before(t)
}
