# Each instance of restapi_object.partner, with for_each or count, becomes the
# instance of servitly_partner.partner with the same key. For restful, write
# restful_resource.partner instead. Delete this file once it is applied.
moved {
  from = restapi_object.partner
  to   = servitly_partner.partner
}
