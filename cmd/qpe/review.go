package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newReviewCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "review",
		Short: "(coming)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return &exitError{code: 2, err: errors.New("review: not implemented yet")}
		},
	}
}
