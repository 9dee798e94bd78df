package provider

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
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
// "code:<code>" names the partner by its business code instead.
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
		return parseImportCode(raw, raw[len(importCodePrefix):], expected)
	}
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 {
		return partnerImportID{}, fmt.Errorf("the import ID %q contains white space or control characters. %s", raw, expected)
	}
	if strings.ContainsAny(raw, "/?#") || raw == "." || raw == ".." {
		return partnerImportID{}, fmt.Errorf("the import ID %q contains '/', '?' or '#', or is a dot path, which no partner id is. %s", raw, expected)
	}
	return partnerImportID{ID: raw}, nil
}

// parseImportCode checks the code of a "code:" import ID. Codes may hold
// inner spaces, but surrounding ones are almost surely a typo in a shell or
// an import block, and would never match.
func parseImportCode(raw, code, expected string) (partnerImportID, error) {
	switch {
	case strings.TrimSpace(code) == "":
		return partnerImportID{}, fmt.Errorf("the import ID %q has no code after \"code:\". %s", raw, expected)
	case strings.IndexFunc(code, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return partnerImportID{}, fmt.Errorf("the code in import ID %q contains control characters or white space other than plain spaces. %s", raw, expected)
	case strings.TrimSpace(code) != code:
		return partnerImportID{}, fmt.Errorf("the code in import ID %q starts or ends with a space; remove it, as in code:%s. %s",
			raw, strings.TrimSpace(code), expected)
	}
	return partnerImportID{Code: code}, nil
}
