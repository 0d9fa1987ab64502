"""Administrative regions: Kemendagri codes, local keys, CSV formats and importers."""
