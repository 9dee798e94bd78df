# Instead of moved.tf, on Terraform 1.7 (and OpenTofu 1.7 to 1.9, without the
# lifecycle block, which they refuse): forget the restapi objects, and import
# each partner by its code. Delete this file once it is applied.
removed {
  from = restapi_object.partner

  lifecycle {
    destroy = false
  }
}

import {
  for_each = local.partners

  to = servitly_partner.partner[each.key]
  id = "code:${each.key}"
}
