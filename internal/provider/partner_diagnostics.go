package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

func createUnknownHint(err *client.CreateOutcomeUnknownError) string {
	var b strings.Builder
	b.WriteString("The server may have created the partner, but its answer was lost, so the provider did not record it " +
		"and did not send the create again blindly.")
	switch {
	case err.Input.Code == "":
		b.WriteString(" Set a code on partners so the provider can look them up safely after such failures.")
	case len(err.Candidates) > 0:
		b.WriteString(" Partners with this code now exist:")
		for _, p := range err.Candidates {
			b.WriteString("\n  - " + describePartner(p))
		}
	}
	b.WriteString("\n\nFind the partner in the Servitly console. If it exists, bring it under Terraform with:\n" +
		"  terraform import servitly_partner.<NAME> <ID>\n" +
		"(or an import block), and delete any duplicate; otherwise run apply again.")
	return b.String()
}

// addBatchingOffWarning explains, once a run, why partners are refreshed one by one.
func addBatchingOffWarning(diags *diag.Diagnostics, off *client.BatchingOff) {
	const summary = "Partner refresh batching is off"
	switch {
	case off == nil:
	case off.Refused != nil:
		diags.AddWarning(summary, fmt.Sprintf("Listing partners to refresh them a page at a time was refused: %v\n\n"+
			"The provider reads each partner with its own request instead, which costs one API call per partner "+
			"on every plan. Grant READ_ALL_PARTNERS to the user and the API key so that partners are refreshed "+
			"from the list, or set batch_refresh = false (SERVITLY_BATCH_REFRESH=false) to read them one by one "+
			"without this warning.", off.Refused))
	default:
		diags.AddWarning(summary, fmt.Sprintf("The partner list's entry for partner %[1]s differs from what GET /network/partners/%[1]s answers, in: %[2]s. "+
			"The list seems to leave these out, so the provider reads each partner with its own request for the rest of this run, "+
			"which costs one API call per partner. Set batch_refresh = false (SERVITLY_BATCH_REFRESH=false) to read them one by one "+
			"without this check and warning.", off.Partner, strings.Join(off.Fields, ", ")))
	}
}
