# A partner is imported by its id, as shown in the Servitly console or API.
terraform import servitly_partner.rossi 6616689a0de6d87b47cd6308
