"""`python -m jaki_forge` runs the command-line interface."""

from .cli import main

main()
