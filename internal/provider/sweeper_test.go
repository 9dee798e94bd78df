package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// sweepRegion is the only -sweep value: the tenant in the SERVITLY_*
// variables (go test ./internal/provider -sweep=live).
const sweepRegion = "live"

// liveSweeper is the sweeper of a type whose sweep deletes, from the tenant
// in the SERVITLY_* variables, what live runs left.
func liveSweeper(sweep func(ctx context.Context, api *client.Client) error) func(region string) error {
	return func(region string) error {
		if region != sweepRegion {
			return fmt.Errorf("unknown sweep region %q: use -sweep=%s", region, sweepRegion)
		}
		api, err := liveClient()
		if err != nil {
			return fmt.Errorf("the sweeper needs the tenant's SERVITLY_* variables: %w", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		return sweep(ctx, api)
	}
}
