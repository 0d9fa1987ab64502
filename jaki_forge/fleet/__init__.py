"""Fleets of replicas: the manifest, parallel runs, updates, status and tests."""
