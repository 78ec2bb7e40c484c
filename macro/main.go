// Command macro is the QuiltPrivateEndpoints CloudFormation macro Lambda: it
// runs the transform engine on the template fragment CloudFormation sends
// and logs one JSON line per invocation to stderr.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/quiltdata/quilt-private-endpoints/internal/macro"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	lambda.Start(macro.NewHandler(logger))
}
