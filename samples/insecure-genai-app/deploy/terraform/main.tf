# Cloud side of the support bot. Deliberately insecure: the fine-tuned model bucket is public, unversioned and
# without a KMS key or access logs, and the Azure OpenAI account is open to the internet with API keys on.

terraform {
  required_providers {
    aws     = { source = "hashicorp/aws", version = "~> 5.80" }
    azurerm = { source = "hashicorp/azurerm", version = "~> 4.14" }
  }
}

resource "aws_s3_bucket" "models" {
  bucket = "supportbot-finetuned-models"
  tags = {
    purpose = "fine-tuned checkpoints"
  }
}

resource "aws_s3_bucket_acl" "models" {
  bucket = aws_s3_bucket.models.id
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "models" {
  bucket                  = aws_s3_bucket.models.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "azurerm_cognitive_account" "openai" {
  name                          = "supportbot-openai"
  location                      = "swedencentral"
  resource_group_name           = "supportbot"
  kind                          = "OpenAI"
  sku_name                      = "S0"
  public_network_access_enabled = true
  local_auth_enabled            = true
}

resource "azurerm_cognitive_deployment" "gpt" {
  name                 = "gpt-4o"
  cognitive_account_id = azurerm_cognitive_account.openai.id
  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-11-20"
  }
  sku {
    name = "Standard"
  }
}
