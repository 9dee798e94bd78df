package provider

import (
	"fmt"
	"strings"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// Partner codes are not unique on the server, so every lookup by code has
// to say what happened when it found none or several. These texts are
// shared by import and the servitly_partner data source.

// noPartnerWithCode is the detail of a lookup by code that found nothing.
func noPartnerWithCode(code string) string {
	return fmt.Sprintf("No partner has code %q. Codes are compared exactly (case and spaces count): "+
		"check the code in the Servitly console, or use the partner's id instead.", code)
}

// severalPartnersWithCode is the detail of a lookup by code that found more
// than one partner; it lists them so the user can pick one by id.
func severalPartnersWithCode(code string, matches []client.Partner, pickByID string) string {
	return fmt.Sprintf("%d partners have code %q, so the code does not say which one is meant:%s\n\n%s",
		len(matches), code, listPartners(matches), pickByID)
}

// listPartners renders partners one per line, by id and name.
func listPartners(partners []client.Partner) string {
	var b strings.Builder
	for _, p := range partners {
		fmt.Fprintf(&b, "\n  - id %s, name %q", p.ID, p.Name)
	}
	return b.String()
}
