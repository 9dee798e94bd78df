package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// importCodePrefix marks an import ID that names a partner by its code.
const importCodePrefix = "code:"

// partnerImportID is what an import ID names: an ID, used as is, or a Code to look up.
type partnerImportID struct {
	ID   string
	Code string
}

// parsePartnerImportID reads an import ID: "code:<code>" names a partner by any code the
// resource accepts, taken literally; anything else is an id (see checkImportID).
func parsePartnerImportID(raw string) (partnerImportID, error) {
	if len(raw) >= len(importCodePrefix) && strings.EqualFold(raw[:len(importCodePrefix)], importCodePrefix) && utf8.ValidString(raw) {
		code := raw[len(importCodePrefix):]
		if strings.TrimSpace(code) == "" {
			return partnerImportID{}, fmt.Errorf("the import ID %q has no code after \"code:\". %s", raw, expectedPartnerImportID)
		}
		return partnerImportID{Code: code}, nil
	}
	if err := checkImportID(raw, expectedPartnerImportID); err != nil {
		return partnerImportID{}, err
	}
	return partnerImportID{ID: raw}, nil
}

const expectedPartnerImportID = "Expected the partner's id, as shown by the Servitly console or API, or its code after \"code:\", " +
	"for example: terraform import servitly_partner.dealer 6616689a0de6d87b47cd6308 " +
	"or terraform import servitly_partner.dealer code:P000123"

// partnerIdentityID accepts an identity's id: a partner id, never a code.
func partnerIdentityID(id string) error {
	parsed, err := parsePartnerImportID(id)
	if err == nil && parsed.Code != "" {
		err = fmt.Errorf("the identity's id %q names a partner by code, but an identity holds partner ids only. "+
			"Import by code with the import block's id instead: id = %q, and leave identity out", id, id)
	}
	return err
}

// resolveImportID turns an import ID into an id, so Read never depends on codes being unique.
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

func (r *partnerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("partner")
}
