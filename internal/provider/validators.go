package provider

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"time"
	_ "time/tzdata" // timezone validation must not depend on the OS's zoneinfo

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// notBlank wants one character outside Unicode's White_Space (what strings.TrimSpace trims).
var notBlank = matches(notBlankPattern, "must not be empty or blank: set a value, or remove the attribute to leave it unset")

// nameNotBlank is notBlank for a required name, which cannot be left unset.
var nameNotBlank = matches(notBlankPattern, "must not be empty or blank: set a name")

var notBlankPattern = regexp.MustCompile(`[^\t\n\v\f\r\x{85}\p{Z}]`)

// trimmed refuses outer white space: Servitly stores "SE-001 " as a code of its own.
var trimmed = matches(regexp.MustCompile(`^(?s:[^\t\n\v\f\r\x{85}\p{Z}](.*[^\t\n\v\f\r\x{85}\p{Z}])?)?$`),
	"must not start or end with white space: Servitly stores a code as written, so it would be another code. Remove the spaces")

// patternValidator refuses a string that its pattern does not match, as stringvalidator.RegexMatches
// does, but quotes the value: that validator ends in "got: " and the value unquoted, which shows
// nothing for the blank values these validators refuse.
type patternValidator struct {
	pattern *regexp.Regexp
	message string
}

func matches(pattern *regexp.Regexp, message string) patternValidator {
	return patternValidator{pattern: pattern, message: message}
}

func (v patternValidator) Description(context.Context) string { return v.message }

func (v patternValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v patternValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || v.pattern.MatchString(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value Match",
		fmt.Sprintf("Attribute %s %s. It is %q.", req.Path, v.message, req.ConfigValue.ValueString()))
}

// ianaTimezone accepts IANA time zone names such as Europe/Rome.
type ianaTimezone struct{}

func (ianaTimezone) Description(context.Context) string {
	return "must be an IANA time zone name such as Europe/Rome"
}
func (v ianaTimezone) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (ianaTimezone) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	name := req.ConfigValue.ValueString()
	if _, known := knownZones.Load(name); known || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	const use = `Use a name from the tz database, such as "Europe/Rome" or "America/New_York"`
	if name == "Local" || !tzNameShape.MatchString(name) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid time zone", fmt.Sprintf("%q is not an IANA time zone name. %s", name, use))
	} else if _, err := time.LoadLocation(name); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid time zone", fmt.Sprintf("%q is not an IANA time zone name (names are case-sensitive). %s", name, use))
	} else {
		knownZones.Store(name, true)
	}
}

// knownZones caches accepted names: Terraform validates each config several times a run.
var knownZones sync.Map

// tzNameShape wants each part upper-case first, as in every tz name: the OS's zoneinfo, read
// first, holds non-zones ("localtime", "posix/...") and may find "europe/rome" on a
// case-insensitive file system.
var tzNameShape = regexp.MustCompile(`^[A-Z][^/]*(/[A-Z][^/]*)*$`)
