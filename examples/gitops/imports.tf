# Partners that were created by hand in the Servitly console before this
# repository existed, by code. The first apply adopts them instead of creating
# duplicates, and updates them to match partners.csv. Find the codes with
# `data "servitly_partners"`, or in the console. A code must match exactly one
# partner, or the plan fails and lists the candidates.
locals {
  adopted_codes = ["P000123", "P000124"]
}

# Once a partner is in the state its import does nothing, so the list can
# stay as it is. Only codes that still have a row are imported: a partner that
# leaves the CSV (deleted, or moved to a removed block) never leaves an import
# without a target, which would fail every plan. Delete codes from the list
# whenever you like once they are applied.
import {
  for_each = setintersection(local.adopted_codes, keys(local.partners))

  to = servitly_partner.partner[each.key]
  id = "code:${each.key}"
}
