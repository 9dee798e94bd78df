# Find a partner created in the Servitly console by the code you know it by.
data "servitly_partner" "rossi" {
  code = "P000123"
}

# Or read one by its id.
data "servitly_partner" "by_id" {
  id = "6616689a0de6d87b47cd6308"
}

output "rossi" {
  value = {
    id        = data.servitly_partner.rossi.id
    name      = data.servitly_partner.rossi.name
    country   = data.servitly_partner.rossi.country
    customers = data.servitly_partner.rossi.customer_count
  }
}
