"""The replica lifecycle: template source, payload, create, update, drift, git and scratch space."""
