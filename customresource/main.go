// Command customresource is the Custom::QuiltPrivateEndpoints preflight
// Lambda: it validates the VPC (or creates the missing endpoints) at deploy
// time and always answers CloudFormation before its deadline. The logic
// lives in internal/preflightresource.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightresource"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h := &preflightresource.Handler{
		Logger: log,
		Clients: func(ctx context.Context) (preflightresource.Clients, error) {
			cfg, err := config.LoadDefaultConfig(ctx)
			if err != nil {
				return preflightresource.Clients{}, err
			}
			return preflightresource.Clients{Region: cfg.Region, Preflight: preflight.NewClients(cfg), EC2: ec2.NewFromConfig(cfg)}, nil
		},
	}
	lambda.Start(h.Handle)
}
