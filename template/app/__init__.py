"""Citizen services and reports platform generated from a province profile."""
