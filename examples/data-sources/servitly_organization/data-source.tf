# Find the organization partners belong to by its name, instead of copying
# its id from the console.
data "servitly_organization" "dealers" {
  name = "Acme Dealers"
}

resource "servitly_partner" "bianchi" {
  name            = "Bianchi Servizi"
  code            = "P000200"
  organization_id = data.servitly_organization.dealers.id
}
