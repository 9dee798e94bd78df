package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

var _ resource.ResourceWithMoveState = &partnerResource{}

// moveSource is a generic REST provider's resource that a moved block may
// turn into a servitly_partner (Terraform 1.8+, OpenTofu 1.10+).
type moveSource struct {
	typeName string // restapi_object
	provider string // its registry namespace and type: mastercard/restapi
	answer   string // the attribute with the last JSON answer
	sent     string // the attribute with the JSON body sent
}

var moveSources = []moveSource{
	{typeName: "restapi_object", provider: "mastercard/restapi", answer: "api_response", sent: "data"},
	{typeName: "restful_resource", provider: "magodo/restful", answer: "output", sent: "body"},
}

// MoveState accepts moved blocks from the partners of restapi_object and
// restful_resource. Terraform calls it before the provider is configured, so
// it makes no API call: the state comes from the source's last answer (or
// the body it sent), and the next refresh corrects what is stale. As after an
// import, deletion_protection is left null for Read to set from the provider.
func (r *partnerResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: movePartnerState}}
}

func movePartnerState(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	const summary = "Cannot move to servitly_partner"
	adopt := "remove it from the state without destroying it (a removed block with lifecycle { destroy = false }, " +
		"or terraform state rm) and import the partner by its id with an import block."
	src, ok := moveSourceFor(req.SourceTypeName, req.SourceProviderAddress)
	if !ok {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("servitly_partner accepts moved blocks from restapi_object "+
			"(mastercard/restapi) and restful_resource (magodo/restful) only, not from %s of %s. To adopt a partner "+
			"from another resource, %s", req.SourceTypeName, orUnknown(req.SourceProviderAddress), adopt))
		return
	}
	var raw []byte
	if req.SourceRawState != nil {
		raw = req.SourceRawState.JSON
	}
	p, from, err := partnerFromSourceState(src, raw)
	if err != nil {
		// Terraform shows no address with this error: the id and path tell which object it is.
		resp.Diagnostics.AddError(summary, fmt.Sprintf("The %s%s is not a Servitly partner: %v\n\n"+
			"Only objects on the partners collection (path \"/network/partners\") with a partner id can move. "+
			"Remove the moved block of this object, or, if it is a partner all the same, %s", src.typeName, sourceLabel(raw), err, adopt))
		return
	}
	tflog.Debug(ctx, "moving partner state", map[string]any{"source": src.typeName, "id": p.ID, "attributes_from": from})
	state, diags := partnerModelFromAPI(ctx, p, partnerModel{Timeouts: nullTimeouts()})
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.TargetIdentity, p.ID)...)
}

// moveSourceFor finds the source a moved block names. Addresses match with
// or without their host (HOST/NAMESPACE/TYPE, NAMESPACE/TYPE), and so do an
// empty one, the provider type alone (some OpenTofu versions send no more)
// and this provider's own: moving instances one by one out of a resource
// with several, Terraform (1.14) names the source of all but the first by
// the target's provider, and OpenTofu does the same where it lacks the
// previous run's state. No other provider has these resource types.
func moveSourceFor(typeName, address string) (moveSource, bool) {
	address = strings.ToLower(address)
	for _, src := range moveSources {
		if typeName != src.typeName {
			continue
		}
		for _, provider := range []string{src.provider, "servitly/servitly"} {
			_, providerType, _ := strings.Cut(provider, "/")
			if address == "" || address == providerType || address == provider || strings.HasSuffix(address, "/"+provider) {
				return src, true
			}
		}
	}
	return moveSource{}, false
}

// partnerFromSourceState reads a partner from a source's state: its id from
// the state, the rest from the last answer, else from the body sent; from
// names the attribute used.
func partnerFromSourceState(src moveSource, raw []byte) (p *client.Partner, from string, err error) {
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &attrs); err != nil || attrs == nil {
		return nil, "", errors.New("its state is not a JSON object, so it names no partner")
	}
	text := func(name string) string {
		var s string
		_ = json.Unmarshal(attrs[name], &s) // null or absent: ""
		return s
	}
	objectPath, id := text("path"), text("id")
	if _, ok := partnersPathOf(objectPath); !ok {
		if objectPath == "" {
			return nil, "", errors.New("its state has no path")
		}
		return nil, "", fmt.Errorf("its path %q is not the partners collection /network/partners", objectPath)
	}
	if src.typeName == "restful_resource" { // its id is the path it reads
		member, ok := partnersPathOf(id)
		if !ok && id != "" {
			return nil, "", fmt.Errorf("its id %q is not the path of a partner, such as /network/partners/<id>", id)
		}
		id = member
	}

	var reasons []string
	for _, name := range []string{src.answer, src.sent} {
		doc, err := jsonDocument(attrs[name])
		if err == nil {
			p = &client.Partner{}
			if err = json.Unmarshal(doc, p); err == nil {
				from = name
				break
			}
			p = nil
		}
		reasons = append(reasons, fmt.Sprintf("%s %v", name, err))
	}
	switch {
	case p == nil:
		return nil, "", fmt.Errorf("neither of its attributes holds a partner as JSON (%s)", strings.Join(reasons, "; "))
	case id == "" && p.ID == "":
		return nil, "", fmt.Errorf("it has no id, and its %s has none either", from)
	case id == "":
		id = p.ID
	case p.ID != "" && p.ID != id:
		return nil, "", fmt.Errorf("its id %q differs from the id %q in its %s", id, p.ID, from)
	}
	if parsed, err := parsePartnerImportID(id); err != nil || parsed.ID == "" {
		return nil, "", fmt.Errorf("its id %q is not a partner id", id)
	}
	p.ID = id
	return p, from, nil
}

// partnersPathRE is the partners collection, or one partner in it (its id
// the group), after any prefix such as a base path or /v2.
var partnersPathRE = regexp.MustCompile(`^/?(?:[^/]+/)*network/partners(?:/([^/]+))?/?$`)

// partnersPathOf tells whether path (or URL) is the partners collection or
// a partner in it, and returns the partner's id for the latter.
func partnersPathOf(path string) (member string, ok bool) {
	u, err := url.Parse(path)
	if err != nil || path == "" {
		return "", false
	}
	m := partnersPathRE.FindStringSubmatch(u.Path)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// jsonDocument is the JSON object that an attribute holds: as a string of
// JSON (restapi's data and api_response; restful's body and output in some
// versions), or as a dynamic value (restful's in others), which state writes
// as {"value": ..., "type": ...}.
func jsonDocument(attr json.RawMessage) (json.RawMessage, error) {
	var s string
	if json.Unmarshal(attr, &s) == nil {
		attr = json.RawMessage(s)
	}
	attr = bytes.TrimSpace(attr)
	if len(attr) == 0 || bytes.Equal(attr, []byte("null")) {
		return nil, errors.New("is empty")
	}
	var object map[string]json.RawMessage
	if err := json.Unmarshal(attr, &object); err != nil || object == nil {
		return nil, errors.New("is not a JSON object")
	}
	if value, ok := object["value"]; ok && len(object) == 2 && object["type"] != nil {
		return jsonDocument(value)
	}
	return attr, nil
}

// sourceLabel is the id and path of a source, as far as its state has them.
func sourceLabel(raw []byte) string {
	var attrs struct {
		ID   string `json:"id"`
		Path string `json:"path"`
	}
	_ = json.Unmarshal(raw, &attrs) // a label only: what cannot be read stays out
	var parts []string
	if attrs.ID != "" {
		parts = append(parts, fmt.Sprintf("id %q", attrs.ID))
	}
	if attrs.Path != "" {
		parts = append(parts, fmt.Sprintf("path %q", attrs.Path))
	}
	if len(parts) == 0 {
		return ""
	}
	return " with " + strings.Join(parts, " and ")
}

func orUnknown(address string) string {
	if address == "" {
		return "an unnamed provider"
	}
	return address
}
