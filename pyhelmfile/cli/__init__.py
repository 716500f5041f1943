"""Command-line interface: click commands, flags and output only."""
