"""`dyad eval`: score the coders against gold data, printed as a table (and confusion
matrices) or written as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

__all__ = ["add_eval_parser", "eval_command"]

DEFAULT_GOLD = Path("..") / "shared" / "gold"


def eval_command(args: argparse.Namespace) -> int:
    from ..coding.nlp import load_model
    from ..coding.pipeline import Pipeline
    from ..evaluation.report import compare

    if not args.gold.is_dir():
        print(f"gold data not found at {args.gold}; nothing to score (pass --gold DIR)")
        return 0
    nlp = load_model()
    coders = list(dict.fromkeys(args.coder or ("rules", "model", "combined")))
    result = compare(args.gold, {name: Pipeline(nlp, coder=name, model=args.model) for name in coders})
    if args.report:
        args.report.write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    _print_scores(result, coders, args.confusion)
    return 0


def _print_scores(result: dict[str, Any], coders: list[str], confusion: bool) -> None:
    """The scores as one table, a column per coder; a file the model was trained on is shown
    with its cross-validated figures, never scored in-sample."""
    reports = result["coders"]
    # the name column as wide as the longest figure's name (team_news has long ones)
    width = max([34, *(len(k) + 1 for name in coders for section in reports[name].values() for k in section)])
    print(f"{'':<{width + 2}}" + "".join(f"{name:>12}" for name in coders))
    for section in reports[coders[0]]:
        print(section)
        keys = list(dict.fromkeys(k for name in coders for k, v in reports[name][section].items()
                                  if not isinstance(v, (dict, list)) and k not in ("trained_on", "note")))
        for key in keys:
            cells = [reports[name][section].get(key, "") for name in coders]
            print(f"  {key:<{width}}" + "".join(f"{cell!s:>12}" for cell in cells))
        for name in coders:
            trained = reports[name][section]
            trained = trained if trained.get("trained_on") else trained.get("spans", {})
            if trained.get("trained_on"):
                cv = ", ".join(f"{k} {v}" for k, v in trained["cross_validated"].items())
                print(f"  {name}: trained on this file, not scored here; {result['model']['cv'].get('folds', 'k')}-fold "
                      f"cross-validation: {cv}")
    if confusion:
        for name in coders:
            for section in ("plover_gsr", "conflibert_pentaclass"):
                cells = reports[name][section].get("confusion")
                if cells:
                    print(f"\n{name}, {section} (rows gold, columns coded):")
                    _print_matrix(cells)
    if result["model"]:
        print(f"\nevent model {result['model']['version']}; trained on the gold files: "
              f"{', '.join(result['model']['gold_used']) or 'none'}")


def _print_matrix(cells: list[list[Any]]) -> None:
    labels = sorted({str(g) for g, _, _ in cells} | {str(p) for _, p, _ in cells})
    counts = {(str(g), str(p)): n for g, p, n in cells}
    width = max(6, *(len(label) for label in labels)) + 1
    print(" " * width + "".join(f"{label[:width - 1]:>{width}}" for label in labels))
    for gold in labels:
        print(f"{gold:<{width}}" + "".join(f"{counts.get((gold, p), 0) or '.':>{width}}" for p in labels))


def add_eval_parser(sub: Any) -> None:
    """`dyad eval`'s flags."""
    evaluate = sub.add_parser("eval", help="score event coding and actors against gold data")
    evaluate.add_argument("--gold", type=Path, default=DEFAULT_GOLD,
                          help="folder of gold files (default: ../shared/gold beside the working directory)")
    evaluate.add_argument("--report", type=Path, help="write every score, per type and confusion matrices, as JSON")
    evaluate.add_argument("--json", action="store_true", help="print the whole report as JSON")
    evaluate.add_argument("--coder", action="append", choices=("rules", "model", "combined"),
                          help="score this coder: the patterns alone, the event model alone, or both combined "
                               "as `dyad code` does; repeatable (default: all three)")
    evaluate.add_argument("--model", type=Path, metavar="DIR",
                          help="folder of another trained event model (default: the one Dyad ships)")
    evaluate.add_argument("--confusion", action="store_true",
                          help="also print the confusion matrices (PLOVER types, PentaClass)")
