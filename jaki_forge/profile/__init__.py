"""Province profiles: the model, loading YAML with positions, semantic checks, schema and summary."""
