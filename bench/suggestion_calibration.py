"""Each consultation's own calibration (consult/suggestions/local_calibration.py), measured on labelled
passages: the first suggestions of some passages are taken as the analysts' judgements, the fit is
made on them and the calibration error (ECE) of the others is compared before and after.

    python -m bench.suggestion_calibration [--dev ../shared/reference/labelled-passages-dev.jsonl]

A throw-away SQLite database with the demo structure. Prints, for the project's own sets (fit on the
labelled file, checked on the holdout) and, if given, a development file (random halves, 50 cuts;
then 5 folds, 20 cuts), the ECE before and after and what a perfectly calibrated model would show.
"""
import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OWN_FIT = ROOT / "tests" / "data" / "suggestions-labelled.jsonl"
OWN_CHECK = ROOT / "tests" / "data" / "suggestions-holdout.jsonl"


def _judgements(docs, path: Path):
    from consult.suggestions import evaluation
    from consult.suggestions.scorer import Scorer

    passages = evaluation.read_labelled(path, docs)
    outcomes = evaluation._outcomes(Scorer(docs), passages)
    return np.array([item.likelihood for item in outcomes]), np.array([item.top1 for item in outcomes])


def _shown(values, fit):
    from consult.suggestions.local_calibration import rescale

    return [rescale(value, fit) for value in values]


def measure(docs, dev: Path | None) -> list[str]:
    from consult.suggestions.calibration import chance_ece, reliability
    from consult.suggestions.local_calibration import fit_scale

    lines = ["| fitted on | checked on | ECE before | ECE after | perfectly calibrated |", "|---|---|---|---|---|"]
    fit_values, fit_right = _judgements(docs, OWN_FIT)
    check_values, check_right = _judgements(docs, OWN_CHECK)
    fit = fit_scale(fit_values, fit_right)
    chance = chance_ece(_shown(check_values, fit), seed=2025)
    lines.append(f"| own labelled ({len(fit_values)}; β {fit.scale:.2f}, γ {fit.shift:.2f}) | own holdout "
                 f"({len(check_values)}) | {reliability(check_values, check_right).ece:.3f} | "
                 f"{reliability(_shown(check_values, fit), check_right).ece:.3f} | {chance[0]:.3f} ± {chance[1]:.3f} |")
    if dev is None:
        return lines
    values, right = _judgements(docs, dev)
    count = len(values)
    before, after = [], []
    for cut in range(50):
        order = np.random.RandomState(cut).permutation(count)
        half, rest = order[:count // 2], order[count // 2:]
        fit = fit_scale(values[half], right[half])
        before.append(reliability(values[rest], right[rest]).ece)
        after.append(reliability(_shown(values[rest], fit), right[rest]).ece)
    lines.append(f"| development, one half ({count // 2}), 50 cuts | the other half ({count - count // 2}) | "
                 f"{np.mean(before):.3f} ± {np.std(before):.3f} | {np.mean(after):.3f} ± {np.std(after):.3f} | |")
    folds = []
    for cut in range(20):
        order = np.random.RandomState(2025 + cut).permutation(count)
        shown = np.zeros(count)
        for fold in np.array_split(order, 5):
            rest = np.setdiff1d(order, fold)
            shown[fold] = _shown(values[fold], fit_scale(values[rest], right[rest]))
        folds.append(reliability(shown, right).ece)
    chance = chance_ece(values, seed=2025)
    lines.append(f"| development, 4 folds of 5, 20 cuts | the fold left out ({count}) | "
                 f"{reliability(values, right).ece:.3f} | {np.mean(folds):.3f} ± {np.std(folds):.3f} | "
                 f"{chance[0]:.3f} ± {chance[1]:.3f} |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suggestion_calibration", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, help="a labelled file of real passages (not copied into the project)")
    args = parser.parse_args(argv)
    from bench.suggestions import demo_structure

    with demo_structure() as (_consultation, docs):
        print("\n".join(measure(docs, args.dev)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
