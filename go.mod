module github.com/servitly/terraform-provider-servitly

go 1.25.0
