"""claimwatch ingest service."""
