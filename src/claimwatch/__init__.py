"""claimwatch: the command line and the embedded stack."""
