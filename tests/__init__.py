"""Tests of the jaki-forge toolkit."""
