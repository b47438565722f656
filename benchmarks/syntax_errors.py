"""How often a YAML syntax error is reported on the line the author changed.

Every one-line edit of a kind authors make (indentation one or two spaces off, a colon
dropped, a quote opened, a bracket dropped, a tab) is applied at random to the example and
contract roadmaps; for each edit that breaks the YAML, the explained error's line is
compared with the edited line.

    .venv/bin/python benchmarks/syntax_errors.py [--edits 20000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml

from site_builder.load.syntax import explain

try:
    from yaml._yaml import CParser as Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as Parser  # type: ignore[assignment]

ROOT = Path(__file__).parent.parent
EDITS = {
    "indent+1": lambda line: " " + line,
    "indent+2": lambda line: "  " + line,
    "indent-1": lambda line: line[1:] if line.startswith(" ") else None,
    "indent-2": lambda line: line[2:] if line.startswith("  ") else None,
    "drop colon": lambda line: line.replace(": ", " ", 1) if ": " in line else None,
    "open quote": lambda line: line.replace(": ", ': "', 1) if ": " in line else None,
    "drop ]": lambda line: line.replace("]", "", 1) if "]" in line else None,
    "tab": lambda line: "\t" + line.lstrip(),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    files = sorted((ROOT / "roadmaps").rglob("*.yml")) + sorted(
        (ROOT / "tests/fixtures/contract").rglob("*.yml")
    )
    texts = [path.read_text("utf-8").splitlines() for path in files]
    rng = random.Random(args.seed)
    counts: dict[str, list[int]] = {name: [0, 0] for name in EDITS}
    for _ in range(args.edits):
        lines = list(rng.choice(texts))
        number = rng.randrange(len(lines))
        name = rng.choice(list(EDITS))
        if not lines[number].strip() or lines[number].lstrip().startswith("#"):
            continue
        edited = EDITS[name](lines[number])
        if edited is None:
            continue
        lines[number] = edited
        text = "\n".join(lines) + "\n"
        events = Parser(text)
        try:
            while events.get_event():
                pass
        except yaml.MarkedYAMLError as error:
            counts[name][0] += 1
            counts[name][1] += explain(text, error).line == number + 1
    total = sum(c[0] for c in counts.values())
    right = sum(c[1] for c in counts.values())
    print(f"{total} syntax errors; on the edited line: {right} ({right / total:.1%})")
    for name, (seen, good) in counts.items():
        print(f"  {name:<11} {good:>5} / {seen:<5}")


if __name__ == "__main__":
    main()
