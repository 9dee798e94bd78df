package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// addAPIError turns a client error into one diagnostic: what was attempted, what the server said, what to do.
func addAPIError(ctx context.Context, diags *diag.Diagnostics, summary, action string, err error) {
	err = explainTimeout(ctx, err)
	detail := fmt.Sprintf("%s failed: %v", action, err)
	if hint := errorHint(err); hint != "" {
		detail += "\n\n" + hint
	}
	diags.AddError(summary, detail)
}

func errorHint(err error) string {
	var (
		loginErr *client.LoginError
		unknown  *client.CreateOutcomeUnknownError
		apiErr   *client.APIError
		timeout  *timeoutError
	)
	switch {
	case errors.As(err, &timeout):
		return timeout.hint()
	case errors.Is(err, http.ErrSchemeMismatch):
		return "base_url (SERVITLY_BASE_URL) starts with https:// but the server there speaks plain HTTP. " +
			"Use the scheme the server speaks: https:// for Servitly, http:// only for a local emulator on loopback."
	case errors.Is(err, syscall.ECONNREFUSED):
		return "Nothing accepts connections at base_url (SERVITLY_BASE_URL). Check the host and port, " +
			"and that the server (or the local emulator) is running."
	case errors.As(err, new(*client.UnprovenNotFoundError)):
		return "The object was kept in the state and nothing was changed: a 404 is only taken to mean " +
			"\"deleted\" when it comes from a server that has shown it knows this tenant. " +
			"Check tenant (SERVITLY_TENANT) and base_url (SERVITLY_BASE_URL), including any path prefix of the API."
	case errors.As(err, &loginErr):
		return loginHint(loginErr)
	case errors.As(err, new(*client.TokenExpiredError)):
		return "The JWT given in token (SERVITLY_TOKEN) has expired and the provider cannot renew a token it did not obtain. " +
			"Supply a fresh token, or configure api_key + pat so the provider logs in and renews by itself."
	case errors.As(err, &unknown):
		return createUnknownHint(unknown)
	case errors.As(err, new(*client.RetryBudgetError)):
		return "Raise retry_max_wait (SERVITLY_RETRY_MAX_WAIT) or the resource's timeouts if the API is only slow, " +
			"or try again later."
	case errors.As(err, new(*client.DecodeError)):
		return "The server's answer was not the JSON the Servitly API sends. Check that base_url (SERVITLY_BASE_URL) " +
			"points at the API of your Servitly environment, not at a web page or proxy."
	case errors.As(err, &apiErr):
		return statusHint(apiErr)
	}
	return ""
}

func loginHint(err *client.LoginError) string {
	switch {
	case client.IsUnknownTenant(err):
		return "The server does not know this tenant. Check tenant (SERVITLY_TENANT), and that base_url " +
			"(SERVITLY_BASE_URL) is the environment the tenant lives in."
	case client.IsStatus(err, http.StatusNotFound):
		return "The login endpoint was not found at base_url. Check base_url (SERVITLY_BASE_URL): it must be the " +
			"API address of your Servitly environment, such as " + client.DefaultBaseURL + ", including any path prefix " +
			"(for example https://<tenant>.servitly.com/api)."
	case err.Flow == "pat":
		return "Check api_key and pat (SERVITLY_API_KEY, SERVITLY_PAT) and that they belong to tenant (SERVITLY_TENANT)."
	}
	return "Check api_key, email and password (SERVITLY_API_KEY, SERVITLY_EMAIL, SERVITLY_PASSWORD) and that they belong to tenant (SERVITLY_TENANT)."
}

func statusHint(err *client.APIError) string {
	switch err.StatusCode {
	case http.StatusUnauthorized:
		return "The server did not accept the credentials. Check token (SERVITLY_TOKEN) or the login settings, and tenant (SERVITLY_TENANT)."
	case http.StatusForbidden:
		need := "."
		if err.Permission != "" {
			need = ": this request needs " + err.Permission + "."
		}
		return "The user or API key lacks a permission" + need + " An API key's permissions further restrict the user's."
	case http.StatusTooManyRequests:
		return "The tenant's API rate limit stayed exhausted. Lower -parallelism, set max_requests_per_minute, " +
			"or raise retry_max_wait (SERVITLY_RETRY_MAX_WAIT)."
	case http.StatusBadRequest:
		return "The server refused the data; its message above says which field."
	}
	return ""
}

// addOrganizationNotFound explains a 404 on the write of a noun that refers to an organization: it was not found.
func addOrganizationNotFound(diags *diag.Diagnostics, summary, noun, organizationID string, err error) {
	diags.AddAttributeError(path.Root("organization_id"), summary,
		fmt.Sprintf("Servitly answered 404 (%v). The %s refers to organization %q, which most likely does not exist "+
			"in this tenant or is not visible to this user. Check organization_id: the servitly_organization data source "+
			"finds an organization's id by name.", err, noun, organizationID))
}

// lookup is a search by a value that need not be unique (a code): its error goes on attribute at, if set.
type lookup struct {
	at               path.Path
	noun, key, value string // "partner", "code", "P000123"
	notFound         string // the detail when nothing matches
	pick             string // how to pick one of several
}

// theOne returns the only match, or nil after an error that lists the matches with describe.
func theOne[T any](diags *diag.Diagnostics, l lookup, matches []T, describe func(T) string) *T {
	if len(matches) == 1 {
		return &matches[0]
	}
	summary, detail := capitalized(l.noun)+" not found", l.notFound
	if len(matches) > 1 {
		summary = fmt.Sprintf("Several %ss have this %s", l.noun, l.key)
		detail = fmt.Sprintf("%d %ss have %s %q, so the %s does not say which one is meant:", len(matches), l.noun, l.key, l.value, l.key)
		for _, m := range matches {
			detail += "\n  - " + describe(m)
		}
		detail += "\n\n" + l.pick
	}
	if l.at.Equal(path.Empty()) {
		diags.AddError(summary, detail)
	} else {
		diags.AddAttributeError(l.at, summary, detail)
	}
	return nil
}
