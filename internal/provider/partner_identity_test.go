package provider

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// identityChecks assert that the partner has an identity and that it is
// its id.
func identityChecks(addr string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": knownvalue.NotNull()}),
		statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
	}
}

// TestAccPartnerResource_identity: create, update and refresh record the
// identity, and imports by identity, by id and by code all give the state
// the configuration describes, with the same identity.
func TestAccPartnerResource_identity(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	code := target.code("P000123")
	config := target.provider() + partnerConfig("Rossi Macchine", code, `{ tier = "gold" }`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: identityChecks(partnerAddr)},
			{
				ResourceName:    partnerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:    partnerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				ResourceName:    partnerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "code:" + code,
			},
			{
				ResourceName:      partnerAddr,
				ImportState:       true,
				ImportStateId:     "code:" + code,
				ImportStateVerify: true,

				ImportStateVerifyIgnore: importLeavesUnset,
			},
			{
				Config: target.provider() + partnerConfig("Rossi Macchine S.p.A.", code, `{ tier = "gold" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: identityChecks(partnerAddr),
			},
		},
	})
}

// TestAccPartnerResource_identityUpgrade: state written by the current
// release, which predates identities, gains an identity on the next
// refresh without any planned change.
func TestAccPartnerResource_identityUpgrade(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	config := target.provider() + partnerConfig("Rossi Macchine", target.code("P000123"), `{ tier = "gold" }`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:           target.checkDestroyed,
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: releasedProviderFactories,
				Config:                   config,
				ConfigStateChecks:        []statecheck.StateCheck{expectNoIdentity{partnerAddr}},
			},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: identityChecks(partnerAddr),
			},
		},
	})
}

// TestAccPartnerResource_identityUpgradeVanished: a partner whose state
// predates identities and that was deleted outside Terraform is planned for
// creation again after the upgrade, not refused for lacking an identity.
func TestAccPartnerResource_identityUpgradeVanished(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	config := target.provider() + partnerConfig("Rossi Macchine", target.code("P000123"), `{ tier = "gold" }`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:           target.checkDestroyed,
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: releasedProviderFactories,
				Config:                   config,
				Check: func(s *terraform.State) error {
					return target.deletePartner(s.RootModule().Resources[partnerAddr].Primary.ID)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: identityChecks(partnerAddr),
			},
		},
	})
}

// expectNoIdentity asserts that a resource's state has no identity, as
// state written before identities existed.
type expectNoIdentity struct{ addr string }

func (e expectNoIdentity) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = errors.New("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == e.addr {
			if len(r.IdentityValues) > 0 {
				resp.Error = fmt.Errorf("%s has identity %v, want none", e.addr, r.IdentityValues)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the state", e.addr)
}

// releasedProviderFactories serve the provider as the current release, 0.1.0,
// is: the same resource without a resource identity. The release cannot be
// downloaded here (tests reach loopback only, and no release is tagged in
// this repository), and the only difference that matters to state is the
// identity, so the provider under test has it taken away.
var releasedProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"servitly": func() (tfprotov6.ProviderServer, error) { return withoutIdentity{testServer()}, nil },
}

// withoutIdentity hides resource identity: no identity schemas, and no
// identity in any answer.
type withoutIdentity struct {
	tfprotov6.ProviderServer
}

func (s withoutIdentity) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{}}, nil
}

func (s withoutIdentity) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (s withoutIdentity) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		resp.PlannedIdentity = nil
	}
	return resp, err
}

func (s withoutIdentity) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (s withoutIdentity) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := s.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		for _, r := range resp.ImportedResources {
			r.Identity = nil
		}
	}
	return resp, err
}
