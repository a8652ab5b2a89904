"""What every door shares: security, errors, health, languages, the clinic's numbers, forms."""
