package probe

import (
	"cmp"
	"errors"
	"fmt"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// ConfigFromEnv reads the provider's SERVITLY_* environment variables:
// SERVITLY_BASE_URL, SERVITLY_TENANT and one login flow (SERVITLY_TOKEN;
// SERVITLY_API_KEY with SERVITLY_PAT; or SERVITLY_API_KEY with
// SERVITLY_EMAIL and SERVITLY_PASSWORD).
func ConfigFromEnv(getenv func(string) string) (client.Config, error) {
	cfg := client.Config{
		BaseURL:  cmp.Or(getenv("SERVITLY_BASE_URL"), client.DefaultBaseURL),
		Tenant:   getenv("SERVITLY_TENANT"),
		Token:    getenv("SERVITLY_TOKEN"),
		APIKey:   getenv("SERVITLY_API_KEY"),
		PAT:      getenv("SERVITLY_PAT"),
		Email:    getenv("SERVITLY_EMAIL"),
		Password: getenv("SERVITLY_PASSWORD"),
	}
	if cfg.Tenant == "" {
		return cfg, errors.New("set SERVITLY_TENANT to your tenant (application) name")
	}
	if _, err := client.LoginFlowOf(cfg, nil); err != nil {
		return cfg, fmt.Errorf("%w (environment: SERVITLY_TOKEN, or SERVITLY_API_KEY and SERVITLY_PAT, "+
			"or SERVITLY_API_KEY, SERVITLY_EMAIL and SERVITLY_PASSWORD)", err)
	}
	return cfg, nil
}

// WhatItDoes describes the changes a run makes to the tenant.
const WhatItDoes = `The probe creates one partner with a code starting "` + CodePrefix + `" (name "Terraform probe <code>",
country Italy, timezone Europe/Rome, a property "tfprobe", and the root organization when it can list one),
reads, lists, filters and updates it, then deletes it. It deletes it again on the way out if a step fails;
if that cleanup fails, it prints the code to delete by hand.`

// CheckTarget refuses a base URL that is not on this machine unless yes is
// set: the probe writes to the tenant.
func CheckTarget(baseURL string, yes bool) error {
	u, err := client.ParseBaseURL(baseURL)
	if err != nil {
		return err
	}
	if yes || client.IsLoopbackHost(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("%s is not on this machine: run again with --yes to probe it.\n%s", baseURL, WhatItDoes)
}
