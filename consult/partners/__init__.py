"""Partners: compensation policy, ledger and approvals, attestations, accommodations."""
