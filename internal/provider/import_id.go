package provider

import (
	"fmt"
	"strings"
	"unicode"
)

// parsePartnerImportID checks an import ID. Ids are opaque to us, so only
// what can never be an id is refused, with the expected form in the message.
func parsePartnerImportID(raw string) (string, error) {
	const expected = "Expected the partner's id, as shown by the Servitly console or API, " +
		"for example: terraform import servitly_partner.dealer 6616689a0de6d87b47cd6308"
	if raw == "" {
		return "", fmt.Errorf("the import ID is empty. %s", expected)
	}
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 {
		return "", fmt.Errorf("the import ID %q contains white space or control characters. %s", raw, expected)
	}
	if strings.ContainsAny(raw, "/?#") {
		return "", fmt.Errorf("the import ID %q contains '/', '?' or '#', which no partner id does. %s", raw, expected)
	}
	return raw, nil
}
