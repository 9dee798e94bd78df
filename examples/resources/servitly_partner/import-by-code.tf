# Terraform 1.5 and later: adopt an existing partner by its code. The provider
# looks the code up and stores the partner's id; the code must match exactly
# one partner, otherwise the plan fails and lists the candidates.
import {
  to = servitly_partner.rossi
  id = "code:P000123"
}
