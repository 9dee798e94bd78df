# Partners that were created by hand in the Servitly console before this
# repository existed. The first apply adopts them by their code instead of
# creating duplicates, and updates them to match partners.csv. Once they are in
# the state these blocks do nothing; delete them whenever you like.
#
# Find the codes with `data "servitly_partners"`, or in the console. A code
# must match exactly one partner, or the plan fails and lists the candidates.
import {
  to = servitly_partner.partner["P000123"]
  id = "code:P000123"
}

import {
  to = servitly_partner.partner["P000124"]
  id = "code:P000124"
}
