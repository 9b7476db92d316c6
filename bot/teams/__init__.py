"""Microsoft Teams front-end (Bot Framework): activities -> ChatRequest, replies -> cards."""
