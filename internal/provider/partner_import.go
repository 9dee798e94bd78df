package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

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

// parsePartnerImportID checks an import ID. Ids are opaque, so only what can
// never be one is refused. "code:<code>" names the partner by its code instead,
// taken literally: any code the resource accepts (not blank) can be imported.
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

// resolveImportID turns an import ID into the partner's id, looking a code up
// here, so state only holds ids and Read never depends on codes being unique.
func (r *partnerResource) resolveImportID(ctx context.Context, raw string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	parsed, err := parsePartnerImportID(raw)
	if err != nil {
		diags.AddError("Invalid import ID", err.Error())
		return "", diags
	}
	if parsed.Code == "" || !r.ready(&diags, "the partner was imported by code") {
		return parsed.ID, diags
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()

	matches, err := r.client.FindPartners(ctx, client.PartnerFilter{Code: parsed.Code})
	if err != nil {
		addAPIError(ctx, &diags, "Error importing partner", fmt.Sprintf("Looking up partners with code %q", parsed.Code), err)
		return "", diags
	}
	p := theOne(&diags, lookup{at: path.Empty(), noun: "partner", key: "code", value: parsed.Code,
		notFound: fmt.Sprintf("Cannot import %q: %s", raw, noPartnerWithCode(parsed.Code)),
		pick:     "Import the one you mean by its id, for example: terraform import servitly_partner.<NAME> <ID>"}, matches, describePartner)
	if p == nil {
		return "", diags
	}
	return p.ID, diags
}

// noPartnerWithCode is the detail of a lookup by code that found nothing.
func noPartnerWithCode(code string) string {
	return fmt.Sprintf("No partner has code %q. Codes are compared exactly (case and spaces count): "+
		"check the code in the Servitly console, or use the partner's id instead.", code)
}

func describePartner(p client.Partner) string { return fmt.Sprintf("id %s, name %q", p.ID, p.Name) }
