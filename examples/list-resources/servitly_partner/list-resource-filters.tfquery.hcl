# Filters combine with AND, as in the servitly_partners data source.
list "servitly_partner" "italy" {
  provider = servitly
  config {
    country = "Italy"
  }
}

list "servitly_partner" "dealers" {
  provider = servitly
  config {
    # `*` wildcards: dealer* starts with, *dealer* contains, *dealer ends with.
    search_text = "*dealer*"
  }
}

list "servitly_partner" "p0_codes" {
  provider = servitly
  config {
    search_text  = "P0*"
    search_field = "code"
  }
}

list "servitly_partner" "one" {
  provider = servitly
  config {
    code = "P000123"
  }
}

list "servitly_partner" "emea" {
  provider = servitly
  config {
    name            = "Rossi Macchine S.r.l."
    organization_id = "5f0c8a1b2c3d4e5f6a7b8c9d"
  }
}
