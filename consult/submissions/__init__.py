"""Written submissions: the public form with drafts and receipts, the staff pages, the email intake."""
