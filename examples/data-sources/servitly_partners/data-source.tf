# Every partner of the tenant (all pages).
data "servitly_partners" "all" {}

# Exact filters combine with AND.
data "servitly_partners" "italy" {
  country = "Italy"
}

# Wildcard search: "foo*" starts with, "*foo*" contains, "*foo" ends with.
data "servitly_partners" "macchine" {
  search_text = "*Macchine*"
}

# Search another field than the name.
data "servitly_partners" "p_codes" {
  search_text  = "P00*"
  search_field = "code"
}

output "partner_count" {
  value = length(data.servitly_partners.all.ids)
}

# Id => code of the Italian partners: a starting point for import blocks.
output "italian_partners" {
  value = { for p in data.servitly_partners.italy.partners : p.id => p.code }
}
