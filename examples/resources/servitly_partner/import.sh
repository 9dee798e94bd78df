# A partner is imported by its id, as shown in the Servitly console or API,
terraform import servitly_partner.rossi 6616689a0de6d87b47cd6308

# or by its code after "code:". The provider looks the code up and stores the
# partner's id; the code must match exactly one partner.
terraform import servitly_partner.rossi code:P000123
