"""claimwatch alert service."""
