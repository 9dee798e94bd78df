package provider

import (
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// sweepRegion is the only -sweep value: the tenant in the SERVITLY_*
// variables (go test ./internal/provider -sweep=live).
const sweepRegion = "live"

func init() {
	resource.AddTestSweepers("servitly_partner", &resource.Sweeper{Name: "servitly_partner", F: sweepPartners})
}
