"""Employee self-service pages of the ledger, one module per screen group."""
