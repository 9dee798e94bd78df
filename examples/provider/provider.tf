terraform {
  required_providers {
    servitly = {
      source = "servitly/servitly"
    }
  }
}

# Credentials come from the environment, never from the configuration:
#   export SERVITLY_API_KEY=...   # API key of your integration
#   export SERVITLY_PAT=...       # personal access token of its user
# base_url defaults to https://api.servitly.com (AWS Europe production).
provider "servitly" {
  tenant = "acme"
}
