"""`python -m jaki_forge` runs the command-line interface."""

from jaki_forge.cli.app import main

main()
