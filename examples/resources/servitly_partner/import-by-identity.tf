# Terraform 1.12 and later, OpenTofu 1.12 and later: adopt an existing partner
# by its resource identity, the form `terraform query` writes.
import {
  to = servitly_partner.rossi
  identity = {
    id = "6616689a0de6d87b47cd6308"
  }
}
