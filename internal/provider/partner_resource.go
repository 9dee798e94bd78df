package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = &partnerResource{}
	_ resource.ResourceWithImportState      = &partnerResource{}
	_ resource.ResourceWithValidateConfig   = &partnerResource{}
	_ resource.ResourceWithConfigValidators = &partnerResource{}
	_ resource.ResourceWithIdentity         = &partnerResource{}
)

// NewPartnerResource returns the servitly_partner resource.
func NewPartnerResource() resource.Resource { return &partnerResource{} }

type partnerResource struct{ configuredResource }

func (r *partnerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner"
}

func (r *partnerResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	optionalText := func(desc string, extra ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: append([]validator.String{notBlank}, extra...)}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A partner of the tenant's network: a distributor, dealer or service centre. " +
			"Created with `POST /network/partners`, updated in place with a full `PUT`, deleted with `DELETE`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Server-assigned partner id (24 hex characters on Servitly). Used for import.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Display name of the partner.",
				Validators:          []validator.String{nameNotBlank},
			},
			"code": optionalText("Business code identifying the partner, such as `P000123`. "+
				"Set it: it lets the provider recover safely when a create's answer is lost, and lets you import by code. "+
				"It must not start or end with white space.", trimmed),
			"country": optionalText("Country the partner belongs to, stored exactly as written. " +
				"Servitly does not document a format; its own examples use names such as `Italy`."),
			"timezone": optionalText("IANA time zone name, such as `Europe/Rome`. Checked at plan time.", ianaTimezone{}),
			"properties": schema.MapAttribute{
				Optional:    true,
				Computed:    true,
				Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
				ElementType: types.StringType,
				MarkdownDescription: "Custom properties defined for partners in the tenant, as a map of strings. " +
					"Leaving it out and setting `{}` both mean no properties, and switching between them plans no change. " +
					"Values must not be null.",
				Validators: []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
			},
			"organization_id": optionalText("Id of the parent organization (the API's `organization.id`)."),
			"customer_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of customers associated with the partner, maintained by Servitly.",
			},
			"deletion_protection": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Whether a plan that deletes or replaces the partner fails: a removed resource block or CSV row, " +
					"`terraform destroy` and `-replace` all stop at plan time, and a delete stops at apply time too. " +
					"Unset, it takes the provider's `deletion_protection`; when the provider sets none either, the partner keeps the value " +
					"its state holds (`false` for a new one), so a run without `SERVITLY_DELETION_PROTECTION` lowers nothing. " +
					"The value in effect is kept in the state, so the protection outlives the resource block. An import leaves it " +
					"unset until the next refresh, so that `-generate-config-out` leaves it to the provider. To delete a protected " +
					"partner on purpose, set `deletion_protection = false`, apply, then remove it. Changing it changes nothing in Servitly.",
			},
			"creation_timestamp": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "When the partner was created, in milliseconds since the Unix epoch.",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *partnerResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{positiveTimeouts{}}
}

func (r *partnerResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var properties types.Map
	if resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("properties"), &properties)...); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(validatePropertyValues(properties)...)
	}
}

func (r *partnerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan partnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	in, diags := partnerInputFromModel(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := startOperation(ctx, plan.Timeouts.Object, "create", defaultWriteTimeout)
	defer cancel()

	release, ok := r.reserveCode(ctx, &resp.Diagnostics, in.Code, "", true)
	if !ok {
		return
	}
	defer release()
	created, recovered, err := r.client.CreatePartner(ctx, in)
	if err != nil {
		if client.IsStatus(err, http.StatusNotFound) && in.Organization != nil {
			addOrganizationNotFound(&resp.Diagnostics, "Error creating partner", "partner", in.Organization.ID, err)
			return
		}
		addAPIError(ctx, &resp.Diagnostics, "Error creating partner", fmt.Sprintf("Creating partner %q", in.Name), err)
		return
	}
	if recovered {
		resp.Diagnostics.AddWarning("Partner created, but its answer was lost",
			fmt.Sprintf("The answer to creating partner %q did not arrive (%s), so the provider looked it up by code %q "+
				"and found exactly the partner it had asked for: %s. It is recorded in the state; nothing was created twice.",
				in.Name, lostBecause(ctx), in.Code, created.ID))
	}
	if in.Code != "" && !r.settleCode(ctx, &resp.Diagnostics, created) {
		return
	}
	state, diags := partnerModelFromAPI(ctx, created, plan)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, created.ID)...)
}

// unchangedSincePlan fails an update when Servitly no longer holds what the plan was made
// from: a saved plan applied after a console edit, -refresh=false or a second state of the
// partner would otherwise overwrite the edit unseen.
func (r *partnerResource) unchangedSincePlan(ctx context.Context, diags *diag.Diagnostics, state partnerModel) bool {
	id := state.ID.ValueString()
	now, _, err := r.client.RefreshPartner(ctx, id, knownPartner(ctx, state)) // from the list when this apply has loaded it whole
	switch {
	case client.IsNotFound(err):
		diags.AddError("Partner deleted since the plan", fmt.Sprintf("Partner %s (%q) was deleted outside Terraform after "+
			"this plan was made, so it was not updated. The next plan will create it again; to stop managing it "+
			"instead, remove it from the configuration.", id, state.Name.ValueString()))
		return false
	case err != nil:
		addAPIError(ctx, diags, "Error updating partner", fmt.Sprintf("Reading partner %s before updating it", id), err)
		return false
	}
	planned, _ := partnerInputFromModel(ctx, state)
	changes := planned.Diff(*now)
	if len(changes) == 0 {
		return true
	}
	lines := make([]string, len(changes))
	for i, d := range changes {
		lines[i] = fmt.Sprintf("  %s: %s in the plan's state, %s now", attributeOf(d), quotedOrUnset(d.Value), quotedOrUnset(d.Other))
	}
	diags.AddError("Partner changed since the plan", fmt.Sprintf("Partner %s (%q) was changed outside Terraform after "+
		"this plan was made, so this update would overwrite that change unseen. Nothing was written.\n\n%s\n\n"+
		"Run terraform plan again (make a saved plan again) to see the change, and decide whether to keep it in "+
		"the configuration.", id, state.Name.ValueString(), strings.Join(lines, "\n")))
	return false
}

// attributeOf is a difference's attribute, a property's as properties["key"].
func attributeOf(d client.Difference) path.Path {
	if d.Field == "properties" {
		return path.Root(d.Field).AtMapKey(d.Key)
	}
	return path.Root(d.Field)
}

func quotedOrUnset(value string) string {
	if value == "" {
		return "unset"
	}
	return strconv.Quote(value)
}

// reserveCode checks before a write that no other partner has code; if ok, release ends
// the claim once it is over. A refused list lets the write go, with a warning.
func (r *partnerResource) reserveCode(ctx context.Context, diags *diag.Diagnostics, code, self string, creating bool) (release func(), ok bool) {
	if code == "" {
		return func() {}, true
	}
	release, conflict, err := r.codes.reserve(ctx, code, self)
	switch {
	case conflict != nil:
		release()
		diags.Append(codeConflictDiagnostic(conflict, creating, "apply")...)
		return nil, false
	case client.IsListRefused(err):
		r.warnCodesNotChecked(diags, code, err)
	case err != nil:
		release()
		addAPIError(ctx, diags, "Error checking partner code", fmt.Sprintf("Checking that no other partner has code %q", code), err)
		return nil, false
	}
	return release, true
}

// settleCode makes sure that created is the only partner with its code, which another run
// may have taken at the same moment, past the same check. It reports whether created stays.
func (r *partnerResource) settleCode(ctx context.Context, diags *diag.Diagnostics, created *client.Partner) bool {
	stays, newer, err := r.client.SettleCode(ctx, created)
	switch {
	case stays == nil && client.IsListRefused(err):
		r.warnCodesNotChecked(diags, created.Code, err)
	case stays == nil:
		diags.AddWarning("Partner code not checked after the create", fmt.Sprintf("Partner %q (id %s) was created, but "+
			"checking that no other partner took code %q at the same moment failed: %v\n\nLook for partners with this code "+
			"in the Servitly console; the next plan warns about them too.", created.Name, created.ID, created.Code, err))
	case stays.ID != created.ID && err != nil:
		diags.AddError("Partner code already in use", fmt.Sprintf("Partner %q (id %s) took code %q at the same moment as "+
			"this apply created %s, and it was first, so it stays. Deleting this apply's partner failed: %v\n\n"+
			"It is kept in the state, so that nothing is forgotten: delete it with terraform destroy -target, or in the console.",
			stays.Name, stays.ID, created.Code, created.ID, err))
	case stays.ID != created.ID:
		diags.AddAttributeError(path.Root("code"), "Partner code already in use", fmt.Sprintf("While this apply created "+
			"partner %q, another run created %q (id %s) with the same code %q, and it was first. This apply deleted its own "+
			"new partner, so the code stays unique.\n\nTo manage the partner that stayed with this resource, import it:\n\n"+
			"import {\n  to = servitly_partner.<NAME>\n  id = %s\n}\n\nDo not import it if another configuration manages it: "+
			"two states that manage one partner keep reverting each other's changes. Give this one another code instead.",
			created.Name, stays.Name, stays.ID, created.Code, hclString(importCodePrefix+created.Code)))
		return false
	case len(newer) > 0:
		diags.AddWarning("Partner code taken twice at once", fmt.Sprintf("Partner %q (id %s) has code %q, and so do %s, "+
			"created right after it. This partner was first, so it stays; a run of this provider that created one of the "+
			"others deletes its own. Delete any other one in the Servitly console.", created.Name, created.ID, created.Code,
			describeAll(newer)))
	}
	return true
}

// describeAll lists partners for a message.
func describeAll(partners []client.Partner) string {
	out := make([]string, len(partners))
	for i, p := range partners {
		out[i] = describePartner(p)
	}
	return strings.Join(out, "; ")
}

// warnCodesNotChecked warns, once a run, that a refused list leaves codes unchecked.
func (r *partnerResource) warnCodesNotChecked(diags *diag.Diagnostics, code string, err error) {
	if r.codes.firstRefusal() {
		diags.AddWarning("Partner codes not checked", fmt.Sprintf("The provider could not check that no other partner has code %q, "+
			"because listing partners was refused: %v\n\nGrant READ_ALL_PARTNERS to the user and the API key, so that the provider "+
			"never creates a second partner for a code in use.", code, err))
	}
}

// lostBecause says why a create's answer was lost, for the warning.
func lostBecause(ctx context.Context) string {
	var timeout *timeoutError
	switch {
	case errors.As(context.Cause(ctx), &timeout):
		return "timeouts.create = " + timeout.setting + " ran out"
	case ctx.Err() != nil:
		return "the run was interrupted"
	}
	return "the connection or the server failed"
}

func (r *partnerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state partnerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := startOperation(ctx, state.Timeouts.Object, "read", defaultReadTimeout)
	defer cancel()

	id := state.ID.ValueString()
	// Set before the API call, so that removing a vanished partner returns one too: old state
	// has none, and the framework refuses a read that ends without it.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, id)...)
	p, off, err := r.client.RefreshPartner(ctx, id, knownPartner(ctx, state))
	if err != nil && !client.IsNotFound(err) {
		// The error says what to fix; a batching warning would blame permissions.
		addAPIError(ctx, &resp.Diagnostics, "Error reading partner", fmt.Sprintf("Reading partner %s", id), err)
		return
	}
	addBatchingOffWarning(&resp.Diagnostics, off)
	if client.IsNotFound(err) {
		r.codes.noteGone(state.Code.ValueString(), id)
		removeGone(ctx, resp, "partner", id)
		return
	}
	for _, shared := range r.client.SharedCodes(*p) {
		resp.Diagnostics.AddWarning("Partner code shared", fmt.Sprintf("Partner %s has code %q, and so do %s. Codes identify "+
			"partners: import by code, the code check and the recovery of a lost create cannot tell them apart. Keep the one "+
			"this configuration manages, and delete the others in the Servitly console or give them other codes.",
			describePartner(shared[0]), shared[0].Code, describeAll(shared[1:])))
	}
	next, diags := partnerModelFromAPI(ctx, p, state)
	if next.DeletionProtection.IsNull() {
		inEffect := settledProtection(r.deletionProtection, importedProtection(ctx, req.Private))
		if state.Name.IsNull() {
			// Right after an import (ImportState sets the id alone) it stays null, so that configuration
			// generated from the import leaves it to the provider; the value in effect waits aside.
			raw, _ := json.Marshal(inEffect.ValueBool())
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedProtectionKey, raw)...)
		} else {
			// Imported by an earlier run, or written before deletion_protection existed.
			next.DeletionProtection = inEffect
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedProtectionKey, nil)...)
		}
	}
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

func (r *partnerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state partnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	in, diags := partnerInputFromModel(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The plan left the partner in private state for a replacement (partner_guards.go): clear it.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKey, nil)...)
	if before, _ := partnerInputFromModel(ctx, state); reflect.DeepEqual(in, before) {
		updateLocally(ctx, req, resp, state.ID.ValueString(), "deletion_protection", "timeouts")
		return
	}
	ctx, cancel := startOperation(ctx, plan.Timeouts.Object, "update", defaultWriteTimeout)
	defer cancel()

	id := state.ID.ValueString()
	if !r.unchangedSincePlan(ctx, &resp.Diagnostics, state) {
		return
	}
	if in.Code != state.Code.ValueString() {
		release, ok := r.reserveCode(ctx, &resp.Diagnostics, in.Code, id, false)
		if !ok {
			return
		}
		defer release()
	}
	updated, err := r.client.UpdatePartner(ctx, id, in)
	if err != nil {
		if client.IsStatus(err, http.StatusNotFound) && in.Organization != nil {
			if _, getErr := r.client.GetPartner(ctx, id); getErr == nil {
				addOrganizationNotFound(&resp.Diagnostics, "Error updating partner", "partner", in.Organization.ID, err)
				return
			}
		}
		addAPIError(ctx, &resp.Diagnostics, "Error updating partner", fmt.Sprintf("Updating partner %s", id), err)
		return
	}
	next, diags := partnerModelFromAPI(ctx, updated, plan)
	resp.Diagnostics.Append(diags...)
	// State records what Servitly holds, also when it kept a removed value.
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, updated.ID)...)
	resp.Diagnostics.Append(keptAfterRemoval(in, updated)...)
}

func (r *partnerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state partnerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// ModifyPlan refuses first; this second line is for a destroy planned before the protection.
	partner := managedPartnerOf(state, settledProtection(r.deletionProtection, importedProtection(ctx, req.Private)).ValueBool())
	if resp.Diagnostics.Append(protectionError(partner, "deleted")...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := startOperation(ctx, state.Timeouts.Object, "delete", defaultWriteTimeout)
	defer cancel()

	id := state.ID.ValueString()
	if err := r.client.DeletePartner(ctx, id); err != nil {
		addAPIError(ctx, &resp.Diagnostics, "Error deleting partner", fmt.Sprintf("Deleting partner %s", id), err)
		return
	}
	resp.Diagnostics.Append(customersWarning(partner, "was deleted")...)
}

func (r *partnerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	raw, diags := importIDFrom(ctx, req, partnerIdentityID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, diags := r.resolveImportID(ctx, raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, id)...)
}
