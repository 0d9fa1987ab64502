"""Tests mirror the app package."""
