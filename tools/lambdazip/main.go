// Command lambdazip packages a Lambda bootstrap into a deterministic zip:
// lambdazip OUT.zip BOOTSTRAP.
package main

import (
	"fmt"
	"os"

	"github.com/quiltdata/quilt-private-endpoints/internal/lambdazip"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: lambdazip OUT.zip BOOTSTRAP")
		os.Exit(2)
	}
	if err := lambdazip.WriteFile(os.Args[1], os.Args[2], "bootstrap"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
