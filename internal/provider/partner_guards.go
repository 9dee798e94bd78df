package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

var _ resource.ResourceWithModifyPlan = &partnerResource{}

// replacedKey is the private state key under which the plan of an existing
// partner leaves it for its replacement's new object, which Terraform plans
// again without prior state, passing on only the private state.
const replacedKey = "replaced_partner"

// managedPartner is what the guards tell about a partner in state.
type managedPartner struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	Customers int64  `json:"customers"`
	Protected bool   `json:"protected"`
}

// managedPartnerOf describes a partner from its state; protectByDefault stands
// for a deletion_protection that state from before it existed does not hold.
func managedPartnerOf(m partnerModel, protectByDefault bool) managedPartner {
	protected := protectByDefault
	if !m.DeletionProtection.IsNull() {
		protected = m.DeletionProtection.ValueBool()
	}
	return managedPartner{ID: m.ID.ValueString(), Name: m.Name.ValueString(), Code: m.Code.ValueString(),
		Customers: m.CustomerCount.ValueInt64(), Protected: protected}
}

func (p managedPartner) String() string {
	if p.Code == "" {
		return fmt.Sprintf("%q (id %s)", p.Name, p.ID)
	}
	return fmt.Sprintf("%q (code %q, id %s)", p.Name, p.Code, p.ID)
}

// ModifyPlan guards partners: no removal of a protected one, a warning for one with
// customers, no second partner for a code in use. It also settles deletion_protection.
func (r *partnerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state *partnerModel
	if !req.State.Raw.IsNull() {
		state = &partnerModel{}
		resp.Diagnostics.Append(getAttributes(ctx, req.State.GetAttribute, map[string]any{"id": &state.ID, "name": &state.Name,
			"code": &state.Code, "customer_count": &state.CustomerCount, "deletion_protection": &state.DeletionProtection})...)
	}
	// For a state that holds no deletion_protection: imported in this run, or written before it existed.
	fallback := settledProtection(r.deletionProtection, importedProtection(ctx, req.Private)).ValueBool()
	if req.Plan.Raw.IsNull() { // destroy
		if state != nil {
			resp.Diagnostics.Append(checkRemoval(managedPartnerOf(*state, fallback), "destroyed")...)
		}
		return
	}
	var plan partnerModel
	resp.Diagnostics.Append(getAttributes(ctx, req.Plan.GetAttribute,
		map[string]any{"code": &plan.Code, "deletion_protection": &plan.DeletionProtection})...)
	var configured types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("deletion_protection"), &configured)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Just imported, with nothing else to change: it stays null, so that the import plans no change,
	// until the next refresh fills it in (Read).
	importedAsIs := state != nil && state.DeletionProtection.IsNull() && plan.DeletionProtection.IsNull()
	if configured.IsNull() && !importedAsIs {
		stored := importedProtection(ctx, req.Private)
		if state != nil && !state.DeletionProtection.IsNull() {
			stored = state.DeletionProtection
		}
		if settled := settledProtection(r.deletionProtection, stored); !plan.DeletionProtection.Equal(settled) {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("deletion_protection"), settled)...)
		}
	}

	self := ""
	if state != nil {
		self = state.ID.ValueString()
		replaced, _ := json.Marshal(managedPartnerOf(*state, fallback)) // strings, a number and a bool
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKey, replaced)...)
		if plan.Code.Equal(state.Code) {
			return
		}
	} else {
		var replaced managedPartner
		if raw, diags := req.Private.GetKey(ctx, replacedKey); !diags.HasError() && json.Unmarshal(raw, &replaced) == nil && replaced.ID != "" {
			// The new object of a replacement: the old one goes first.
			resp.Diagnostics.Append(checkRemoval(replaced, "replaced")...)
			self = replaced.ID
		}
	}
	if plan.Code.IsNull() || plan.Code.IsUnknown() || r.codes == nil {
		return
	}
	conflict, err := r.codes.plan(ctx, plan.Code.ValueString(), self)
	switch {
	case failsEveryCall(err): // say it now, where the apply would log in again
		addAPIError(ctx, &resp.Diagnostics, "Error checking partner code", "Checking that no other partner has code "+hclString(plan.Code.ValueString()), err)
	case err != nil:
		tflog.Warn(ctx, "could not check at plan time that the partner code is unused; apply checks it", map[string]any{"error": err.Error()})
	}
	resp.Diagnostics.Append(codeConflictDiagnostic(conflict, state == nil, "plan")...)
	if like := r.client.LoadedInOtherCase(plan.Code.ValueString()); conflict == nil && len(like) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("code"), "Partner code differs only in letter case",
			fmt.Sprintf("Code %q differs only in letter case from the code of %s. Servitly compares codes exactly, so "+
				"this is another partner's code. If you mean that partner, write its code exactly, or import it.",
				plan.Code.ValueString(), describeAll(like)))
	}
}

// importedProtectionKey is the private state key under which Read keeps, right after an import,
// the deletion_protection in effect, which the state leaves null (see Read).
const importedProtectionKey = "imported_protection"

// importedProtection is the deletion_protection kept under importedProtectionKey; null if none.
func importedProtection(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) types.Bool {
	var protected bool
	if raw, diags := private.GetKey(ctx, importedProtectionKey); diags.HasError() || json.Unmarshal(raw, &protected) != nil {
		return types.BoolNull()
	}
	return types.BoolValue(protected)
}

// settledProtection is the deletion_protection of a partner that does not set its own: the
// provider's (block or SERVITLY_DELETION_PROTECTION), else the one stored in its state, so that a
// run without the variable never lowers what an earlier run stored; false for a new partner.
func settledProtection(provider, stored types.Bool) types.Bool {
	switch {
	case !provider.IsNull():
		return provider
	case !stored.IsNull():
		return stored
	}
	return types.BoolValue(false)
}

// checkRemoval refuses to remove a protected partner (removal is "destroyed" or
// "replaced") and warns about one with customers. Terraform shows that warning for a
// replacement only next to an error, so Delete warns too.
func checkRemoval(p managedPartner, removal string) diag.Diagnostics {
	diags := customersWarning(p, "will be "+removal)
	diags.Append(protectionError(p, removal)...)
	return diags
}

// customersWarning warns that a partner with customers is removed; removal says how ("will be destroyed").
func customersWarning(p managedPartner, removal string) diag.Diagnostics {
	var diags diag.Diagnostics
	if p.Customers > 0 {
		diags.AddWarning("Partner with customers "+removal,
			fmt.Sprintf("Partner %s %s, and it has %s in Servitly. Make sure its customers are served by another partner; "+
				"Servitly may refuse to delete a partner that still has customers.", p, removal, plural(p.Customers, "customer")))
	}
	return diags
}

// protectionError refuses to remove a protected partner.
func protectionError(p managedPartner, removal string) diag.Diagnostics {
	var diags diag.Diagnostics
	if p.Protected {
		diags.AddError("Partner is protected from deletion",
			fmt.Sprintf("Partner %s has deletion_protection, so it cannot be %s. "+
				"Its resource block or CSV row may be gone, but the protection is kept in the state.\n\n"+
				"To delete it on purpose: set deletion_protection = false on its resource (putting the block or row back "+
				"if it was removed), apply, then remove it. A deletion_protection = false on the resource overrides the "+
				"provider's deletion_protection (SERVITLY_DELETION_PROTECTION).\n\n"+
				"To stop managing it without deleting it (Terraform 1.7 or later, OpenTofu 1.10 or later), forget it with a "+
				"removed block and lifecycle { destroy = false }. A removed block names a whole resource, never one instance, "+
				"so an instance of for_each or count (an address with a key, such as a CSV row's on the \"with\" line above) "+
				"first moves to an address of its own, in the same change:\n\n%s\n"+
				"For a resource without for_each or count, the removed block alone does it, with from = servitly_partner.<NAME>. "+
				"Delete the blocks once they are applied.",
				p, removal, retireBlocks(`servitly_partner.<NAME>["<KEY>"]`, "servitly_partner.<RETIRED>")))
	}
	return diags
}

// retireBlocks stop managing the instance at from without deleting it: a removed block takes no instance
// key, so the instance moves to the plain address to, which the removed block forgets.
func retireBlocks(from, to string) string {
	return fmt.Sprintf("moved {\n  from = %s\n  to   = %s\n}\n\nremoved {\n  from = %[2]s\n\n  lifecycle {\n    destroy = false\n  }\n}\n", from, to)
}

// codeConflictDiagnostic explains why a partner may not take its code, when "plan" or "apply".
func codeConflictDiagnostic(c *codeConflict, creating bool, when string) diag.Diagnostics {
	var diags diag.Diagnostics
	if c == nil {
		return diags
	}
	const summary = "Partner code already in use"
	at := path.Root("code")
	switch {
	case c.Holder == nil:
		diags.AddAttributeError(at, summary, fmt.Sprintf("Another servitly_partner of this configuration also "+
			"creates a partner with code %q, or changes its code to it, in this %s. Codes identify partners: "+
			"give each resource its own code.", c.Code, when))
	case creating:
		lead := "To"
		if c.Gone != "" {
			lead = fmt.Sprintf("Partner %s, which the state holds with this code, was deleted outside Terraform, so this one "+
				"was probably made again in the console. An import block does nothing while the saved state still holds the deleted "+
				"partner: first run terraform apply -refresh-only, which changes nothing in Servitly and only drops the deleted "+
				"partner from the state. Then, to", c.Gone)
		}
		diags.AddAttributeError(at, summary, fmt.Sprintf("Servitly already has a partner with code %q: %q (id %s). "+
			"The provider does not create a second partner for a code in use, so nothing was created.\n\n"+
			"%s manage the existing partner with this resource, import it: add this block, with to set to this "+
			"resource's address (the \"with\" line above), and plan again:\n\n"+
			"import {\n  to = servitly_partner.<NAME>\n  id = %s\n}\n\n"+
			"If another resource of this configuration, or another configuration, manages that partner already, give this "+
			"one another code: two states that manage one partner keep reverting each other's changes.",
			c.Code, c.Holder.Name, c.Holder.ID, lead, hclString(importCodePrefix+c.Code)))
	default:
		diags.AddAttributeError(at, summary, fmt.Sprintf("Partner %q (id %s) already has code %q, so this partner "+
			"cannot change its code to it: two partners would share it. Choose another code, or change the other "+
			"partner's code first.", c.Holder.Name, c.Holder.ID, c.Code))
	}
	return diags
}

// codeGuard keeps the provider from creating a second partner for a code the
// tenant has, such as one made in the console: Servitly does not say codes
// are unique, but import by code, lost creates and data sources need them to
// be. The client's index finds a code's holder (client.CodeHolder), kept
// current by this process's writes, so a partner this apply deleted never
// blocks its replacement. The guard adds claims: two resources of one
// configuration must not both take a code that no partner has yet.
type codeGuard struct {
	client  *client.Client
	planned sync.Map // codes that plans of this process create or change to
	writing sync.Map // codes that creates or updates of this process are writing
	gone    sync.Map // code -> id of a partner in the state that Read found deleted
	warned  atomic.Bool
}

func newCodeGuard(c *client.Client) *codeGuard { return &codeGuard{client: c} }

// codeConflict is why a partner may not take a code: Holder has it, or,
// when Holder is nil, another resource of this configuration takes it.
// Gone is the id of a partner with the code that the state holds and this
// run found deleted: Holder was then probably made again in the console.
type codeConflict struct {
	Code   string
	Holder *client.Partner
	Gone   string
}

// plan checks a code that a plan takes. A failed lookup is no conflict: apply checks again.
func (g *codeGuard) plan(ctx context.Context, code, self string) (*codeConflict, error) {
	return g.claim(ctx, &g.planned, code, self)
}

// reserve checks and claims a code before a write; release ends the claim.
func (g *codeGuard) reserve(ctx context.Context, code, self string) (release func(), conflict *codeConflict, err error) {
	conflict, err = g.claim(ctx, &g.writing, code, self)
	release = func() { g.writing.Delete(code) }
	if conflict != nil && conflict.Holder == nil {
		release = func() {} // the claim is another write's
	}
	return release, conflict, err
}

func (g *codeGuard) claim(ctx context.Context, claims *sync.Map, code, self string) (*codeConflict, error) {
	if _, taken := claims.LoadOrStore(code, true); taken {
		return &codeConflict{Code: code}, nil
	}
	holder, err := g.client.CodeHolder(ctx, code, self)
	if holder != nil {
		gone, _ := g.gone.Load(code)
		goneID, _ := gone.(string)
		return &codeConflict{Code: code, Holder: holder, Gone: goneID}, nil
	}
	return nil, err
}

// noteGone records that Read found the partner with code and id deleted, for a conflict on its code.
func (g *codeGuard) noteGone(code, id string) {
	if g != nil && code != "" {
		g.gone.Store(code, id)
	}
}

// firstRefusal is true the first time it is asked, so that a run warns once.
func (g *codeGuard) firstRefusal() bool { return !g.warned.Swap(true) }

// failsEveryCall: a refused login or an unknown tenant, past which no call gets.
func failsEveryCall(err error) bool {
	return errors.As(err, new(*client.LoginError)) || client.IsUnknownTenant(err)
}
