resource "servitly_partner" "rossi" {
  name     = "Rossi Macchine S.r.l."
  code     = "P000123"
  country  = "Italy"
  timezone = "Europe/Rome"

  properties = {
    tier    = "gold"
    channel = "dealer"
  }
}
