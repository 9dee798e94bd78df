# GitOps for a Servitly partner network: partners.csv is the source of truth,
# one row per partner, keyed by its code. A pull request that edits the file
# shows the plan; merging it applies the change. See README.md.
terraform {
  # 1.7 for the import block's for_each (imports.tf); OpenTofu 1.7 works too.
  required_version = ">= 1.7"

  required_providers {
    servitly = {
      source = "servitly/servitly"
    }
  }

  # A pipeline needs shared, locked state: without it every run starts empty
  # and would create every partner again. Configure the backend your team
  # uses, for example:
  #
  # backend "s3" {
  #   bucket       = "acme-terraform-state"
  #   key          = "servitly/partners.tfstate"
  #   region       = "eu-west-1"
  #   use_lockfile = true
  # }
}

# The connection comes from the environment, so the same files run locally and
# in the pipeline: SERVITLY_BASE_URL, SERVITLY_TENANT, SERVITLY_API_KEY and
# SERVITLY_PAT.
#
# Every partner is protected from deletion unless its row sets
# deletion_protection to false: a row removed by mistake, or a CSV emptied by
# a bad merge, fails the plan instead of deleting partners. The protection is
# kept in the state, so it holds after the row is gone. README.md, "Day to
# day", shows how to delete a partner on purpose.
provider "servitly" {
  deletion_protection = true
}

locals {
  # Blank cells mean "not set": Terraform needs null for that, not "". Excel's
  # "CSV UTF-8" starts the file with a byte-order mark, which would otherwise
  # become part of the first column's name.
  partners = {
    for row in csvdecode(trimprefix(file("${path.module}/partners.csv"), "\ufeff")) : row.code => {
      name         = row.name
      country      = row.country != "" ? row.country : null
      timezone     = row.timezone != "" ? row.timezone : null
      organization = row.organization
      properties   = { for key, value in { tier = row.tier } : key => value if value != "" }
      # Blank: the provider's deletion_protection (true above).
      deletion_protection = row.deletion_protection != "" ? tobool(row.deletion_protection) : null
    }
  }
  organizations = toset([for p in local.partners : p.organization if p.organization != ""])
}

# Organizations are referred to by name in the CSV; this finds their ids.
data "servitly_organization" "parent" {
  for_each = local.organizations

  name = each.key
}

resource "servitly_partner" "partner" {
  for_each = local.partners

  code            = each.key
  name            = each.value.name
  country         = each.value.country
  timezone        = each.value.timezone
  organization_id = each.value.organization != "" ? data.servitly_organization.parent[each.value.organization].id : null
  properties      = each.value.properties

  deletion_protection = each.value.deletion_protection
}

# Coverage: every plan warns with the codes of the partners on the tenant that
# no row manages, such as one made in the console since the last merge. The
# data source reads the partner list that the refresh loads anyway, so this
# costs no second walk of it. A warning, not an error: adopt such a partner
# with a row and an import (imports.tf), or leave it to the console.
data "servitly_partners" "all" {}

locals {
  unmanaged_partners = sort([
    for p in data.servitly_partners.all.partners : p.code != null ? p.code : "${p.name} (id ${p.id}, no code)"
    if !contains(keys(local.partners), p.code != null ? p.code : "")
  ])
}

check "unmanaged_partners" {
  assert {
    condition     = length(local.unmanaged_partners) == 0
    error_message = "${length(local.unmanaged_partners)} partner(s) on the tenant have no row in partners.csv: ${join(", ", local.unmanaged_partners)}."
  }
}

output "partner_ids" {
  description = "Servitly id of each partner, by code."
  value       = { for code, partner in servitly_partner.partner : code => partner.id }
}
