// Command panicking is the custom resource Lambda with checks that panic:
// a test-only build (never shipped) that proves a panic is answered FAILED
// and the runtime keeps serving.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnresponse"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightresource"
)

func main() {
	origins, _ := cfnresponse.ParseOrigins(os.Getenv(cfnresponse.OriginsEnv))
	h := &preflightresource.Handler{
		Logger:          slog.New(slog.NewJSONHandler(os.Stdout, nil)),
		Clients:         preflightresource.LoadClients,
		Region:          os.Getenv("AWS_REGION"),
		ResponseOrigins: origins,
		Check: func(context.Context, preflight.Clients, preflight.Input) preflight.Result {
			var m map[string]int
			m["injected test panic"]++ // assignment to entry in nil map
			return preflight.Result{}
		},
	}
	lambda.Start(h.HandleJSON)
}
