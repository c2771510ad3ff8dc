"""Event-coding and actor accuracy against public gold data in ../shared/gold (or --gold DIR).

    python bench/accuracy.py [--gold DIR] [--report FILE] [--json]

The same as `dyad eval`. Prints the headline figures (and with --json everything, per-type
scores and confusion matrices included); --report writes the JSON for tracking. Says so and
exits 0 when the gold folder is absent.
"""

from __future__ import annotations

import sys

from dyad.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["eval", *sys.argv[1:]]))
