package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// importCodePrefix marks an import ID that names a partner by its code.
const importCodePrefix = "code:"

// partnerImportID is what an import ID names: exactly one of ID (a partner
// id, used as is) and Code (looked up through the API).
type partnerImportID struct {
	ID   string
	Code string
}

// parsePartnerImportID checks an import ID. Ids are opaque to us, so only
// what can never be an id is refused, with the expected forms in the message.
// "code:<code>" names the partner by its business code instead, taken
// literally: any code the resource accepts (not blank) can be imported.
func parsePartnerImportID(raw string) (partnerImportID, error) {
	const expected = "Expected the partner's id, as shown by the Servitly console or API, or its code after \"code:\", " +
		"for example: terraform import servitly_partner.dealer 6616689a0de6d87b47cd6308 " +
		"or terraform import servitly_partner.dealer code:P000123"
	if raw == "" {
		return partnerImportID{}, fmt.Errorf("the import ID is empty. %s", expected)
	}
	if !utf8.ValidString(raw) {
		return partnerImportID{}, fmt.Errorf("the import ID %q is not valid UTF-8 text. %s", raw, expected)
	}
	if len(raw) >= len(importCodePrefix) && strings.EqualFold(raw[:len(importCodePrefix)], importCodePrefix) {
		code := raw[len(importCodePrefix):]
		if strings.TrimSpace(code) == "" {
			return partnerImportID{}, fmt.Errorf("the import ID %q has no code after \"code:\". %s", raw, expected)
		}
		return partnerImportID{Code: code}, nil
	}
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 {
		return partnerImportID{}, fmt.Errorf("the import ID %q contains white space or control characters. %s", raw, expected)
	}
	if strings.ContainsAny(raw, "/?#") || raw == "." || raw == ".." {
		return partnerImportID{}, fmt.Errorf("the import ID %q contains '/', '?' or '#', or is a dot path, which no partner id is. %s", raw, expected)
	}
	return partnerImportID{ID: raw}, nil
}

// resolveImportID turns an import ID into the partner's canonical id. A
// "code:" ID is looked up through the API here, so state only ever holds
// ids and Read never depends on codes being unique.
func (r *partnerResource) resolveImportID(ctx context.Context, raw string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	parsed, err := parsePartnerImportID(raw)
	if err != nil {
		diags.AddError("Invalid import ID", err.Error())
		return "", diags
	}
	if parsed.Code == "" {
		return parsed.ID, diags
	}
	if r.client == nil {
		diags.AddError("Provider not configured",
			"Importing by code needs the provider's connection settings to be known. This is a bug in the provider; please report it.")
		return "", diags
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()

	matches, err := r.client.FindPartnersByCode(ctx, parsed.Code)
	if err != nil {
		addAPIError(ctx, &diags, "Error importing partner", fmt.Sprintf("Looking up partners with code %q", parsed.Code), err)
		return "", diags
	}
	switch len(matches) {
	case 0:
		diags.AddError("Partner not found", fmt.Sprintf("Cannot import %q: %s", raw, noPartnerWithCode(parsed.Code)))
		return "", diags
	case 1:
		return matches[0].ID, diags
	}
	pick := fmt.Sprintf("Import the one you mean by its id, for example: terraform import servitly_partner.<NAME> %s", matches[0].ID)
	diags.AddError("Ambiguous partner code", fmt.Sprintf("Cannot import %q: %s", raw, severalPartnersWithCode(parsed.Code, matches, pick)))
	return "", diags
}

// Partner codes are not unique on the server, so every lookup by code says
// what happened when it found none or several. Import and the
// servitly_partner data source share these texts.

// noPartnerWithCode is the detail of a lookup by code that found nothing.
func noPartnerWithCode(code string) string {
	return fmt.Sprintf("No partner has code %q. Codes are compared exactly (case and spaces count): "+
		"check the code in the Servitly console, or use the partner's id instead.", code)
}

// severalPartnersWithCode is the detail of a lookup by code that found more
// than one partner; it lists them so the user can pick one by id.
func severalPartnersWithCode(code string, matches []client.Partner, pickByID string) string {
	var list strings.Builder
	for _, p := range matches {
		fmt.Fprintf(&list, "\n  - id %s, name %q", p.ID, p.Name)
	}
	return fmt.Sprintf("%d partners have code %q, so the code does not say which one is meant:%s\n\n%s",
		len(matches), code, list.String(), pickByID)
}
