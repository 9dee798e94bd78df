# The partners that restapi_object.partner managed, now as servitly_partner,
# with the same for_each keys. moved.tf moves each one over; nothing is
# created or deleted.
terraform {
  # moved.tf needs Terraform 1.8 or OpenTofu 1.10; removed-and-import.tf,
  # Terraform 1.7 or OpenTofu 1.7.
  required_providers {
    servitly = {
      source = "servitly/servitly"
    }
    # Keep restapi until the moves are applied: the state still holds its objects.
    restapi = {
      source = "mastercard/restapi"
    }
  }
}

# SERVITLY_BASE_URL, SERVITLY_TENANT, SERVITLY_API_KEY and SERVITLY_PAT.
provider "servitly" {}

locals {
  partners = {
    P000123 = {
      name            = "Rossi Macchine S.r.l."
      country         = "Italy"
      timezone        = "Europe/Rome"
      properties      = { tier = "gold" }
      organization_id = "5f0c2a9e1b7d4c3e8a6f0123"
    }
    P000124 = { name = "Bianchi Impianti" }
    P000125 = { name = "Verdi Service" }
  }
}

resource "servitly_partner" "partner" {
  for_each = local.partners

  code            = each.key
  name            = each.value.name
  country         = try(each.value.country, null)
  timezone        = try(each.value.timezone, null)
  properties      = try(each.value.properties, {})
  organization_id = try(each.value.organization_id, null)
}
