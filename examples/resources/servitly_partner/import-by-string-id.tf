# Terraform 1.5 and later: adopt an existing partner by its id.
import {
  to = servitly_partner.rossi
  id = "6616689a0de6d87b47cd6308"
}
