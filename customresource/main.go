// Command customresource is the Custom::QuiltPrivateEndpoints preflight
// Lambda: it validates the VPC (or creates the missing endpoints) at deploy
// time and always answers CloudFormation before its deadline. The logic
// lives in internal/preflightresource.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnresponse"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightresource"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	origins, err := cfnresponse.ParseOrigins(os.Getenv(cfnresponse.OriginsEnv))
	if err != nil {
		// Fail closed: only CloudFormation's own response bucket is trusted.
		log.Error("ignoring "+cfnresponse.OriginsEnv, "error", err.Error())
	}
	h := &preflightresource.Handler{
		Logger:          log,
		Clients:         preflightresource.LoadClients,
		Region:          os.Getenv("AWS_REGION"),
		ResponseOrigins: origins,
	}
	lambda.Start(h.HandleJSON)
}
