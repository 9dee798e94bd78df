# Quickstart: three dealers of a partner network.
#
# `make demo` runs this against the local Servitly emulator. To run it against
# your tenant instead, set the environment and use the same file:
#   export SERVITLY_BASE_URL=https://api.servitly.com   # your environment's API
#   export SERVITLY_TENANT=acme                         # your tenant name
#   export SERVITLY_API_KEY=...  SERVITLY_PAT=...       # your integration's credentials
terraform {
  required_version = ">= 1.0"
  required_providers {
    servitly = {
      source = "servitly/servitly"
    }
  }
}

provider "servitly" {}

locals {
  dealers = {
    "IT-001" = { name = "Rossi Macchine", country = "Italy", timezone = "Europe/Rome", tier = "gold" }
    "DE-014" = { name = "Schmidt Service GmbH", country = "Germany", timezone = "Europe/Berlin", tier = "silver" }
    "US-207" = { name = "Lakeside Equipment", country = "United States", timezone = "America/Chicago", tier = "silver" }
  }
}

resource "servitly_partner" "dealer" {
  for_each = local.dealers

  name     = each.value.name
  code     = each.key
  country  = each.value.country
  timezone = each.value.timezone

  properties = {
    tier = each.value.tier
  }
}

output "partner_ids" {
  description = "Servitly id of each dealer, by code."
  value       = { for code, partner in servitly_partner.dealer : code => partner.id }
}
