"""Pydantic request and response schemas, grouped per resource."""
