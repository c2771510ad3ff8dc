"""The `dyad` command: one module per command group, each with its flags; `main` is the entry point."""
