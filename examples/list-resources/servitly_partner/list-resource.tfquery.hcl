# Terraform 1.14 and later. Next to a configuration that declares the provider,
#   terraform query -generate-config-out=partners.tf
# writes a servitly_partner resource block and an import block for every
# partner of the tenant; `terraform apply` then adopts them all.
list "servitly_partner" "all" {
  provider = servitly

  # Terraform stops at 100 results unless told otherwise.
  limit = 10000
}
