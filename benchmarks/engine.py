"""Engine speed: µs per evaluate() call on the shipped rules and on generated sets of N rules.

    .venv/bin/python benchmarks/engine.py            # default, 100 and 1,000 rules
    .venv/bin/python benchmarks/engine.py 100 1000 10000

Generated rule files use the shipped questions, levels and categories with N random rules
(single answers, all/any/not groups, number comparisons, like the real file), are written to a
temporary folder and loaded with triage.rules.load, so they pass the same validation. Each set
is timed over the same 500 random answer sets (fixed seed); the figure is the best of 7 runs,
in CPU time of this process (the machine is shared with other work).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import timeit
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from triage import SHIPPED_RULES, engine, rules
from triage.rules import yamlfile

TARGET_US = 50
SEED = 20261125


def leaf(rng: random.Random, questions: list[dict]) -> dict:
    question = rng.choice(questions)
    if question.get("type") == "number":
        return {"question": question["id"], rng.choice(["at_most", "above"]): rng.choice([7, 30, 90])}
    values = [option["value"] for option in question["options"]]
    picked = rng.sample(values[1:], k=rng.randint(1, min(2, len(values) - 1)))
    return {"question": question["id"], "is": picked[0] if len(picked) == 1 else picked}


def condition(rng: random.Random, questions: list[dict]) -> dict:
    kind = rng.random()
    if kind < 0.4:
        return leaf(rng, questions)
    parts = [leaf(rng, questions) for _ in range(rng.randint(2, 3))]
    if kind < 0.7:
        return {"all": parts}
    if kind < 0.85:
        return {"any": parts}
    return {"all": [parts[0], {"not": parts[1]}]}


def generated_file(count: int, folder: Path) -> Path:
    """Write a valid rule file with `count` random rules over the shipped questions."""
    data, _ = yamlfile.load(SHIPPED_RULES)
    rng = random.Random(SEED + count)
    levels, categories = list(data["levels"]), list(data["categories"])
    data["version"] = f"benchmark-{count}"
    data["rules"] = [
        {
            "id": f"generated-{index}",
            "category": rng.choice(categories),
            "level": rng.choice(levels[:3]),
            "when": condition(rng, data["questions"]),
            "title": {language: f"Generated rule {index}" for language in data["languages"]},
            "advice": {language: "Generated for the engine benchmark." for language in data["languages"]},
            "source": "benchmarks/engine.py (generated)",
        }
        for index in range(count)
    ]
    path = folder / f"rules-{count}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def answer_sets(ruleset, count: int = 500) -> list[dict]:
    """Random complete answers, mostly mild (as most checks are), with the same seed every run."""
    rng = random.Random(SEED)
    sets = []
    for _ in range(count):
        answers = {}
        for question in ruleset.questions:
            if question.number:
                answers[question.id] = rng.choice([None, rng.randint(0, 400)])
            else:
                values = question.values
                answers[question.id] = values[0] if rng.random() < 0.7 else rng.choice(values)
        sets.append(answers)
    return sets


def warnings_per_call(ruleset) -> float:
    answers = answer_sets(ruleset)
    return sum(len(engine.evaluate(ruleset, one).warnings) for one in answers) / len(answers)


def us_per_call(ruleset) -> float:
    answers = answer_sets(ruleset)
    evaluate = engine.evaluate

    def run():
        for one in answers:
            evaluate(ruleset, one)

    # CPU time of this process, not wall time: the machine is shared, and time spent waiting for
    # a core is not the engine's.
    best = min(timeit.repeat(run, number=1, repeat=7, timer=time.process_time))
    return best / len(answers) * 1e6


def main(sizes: list[int]) -> int:
    shipped = rules.load(SHIPPED_RULES)
    rows = [("default (rules.yaml)", len(shipped.rules), us_per_call(shipped), warnings_per_call(shipped))]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            ruleset = rules.load(generated_file(size, Path(folder)))
            assert len(ruleset.rules) == size
            rows.append((f"generated {size}", size, us_per_call(ruleset), warnings_per_call(ruleset)))
    print(
        f"Python {sys.version.split()[0]}; µs (CPU) per evaluate() call, best of 7 runs over "
        f"500 answer sets; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    print(f"{'rule set':<22} {'rules':>6} {'µs/call':>9} {'µs/rule':>8} {'warnings/call':>14}")
    for name, count, us, fired in rows:
        print(f"{name:<22} {count:>6} {us:>9.1f} {us / count:>8.3f} {fired:>14.1f}")
    generated = rows[1:]
    if len(generated) >= 2:
        (_, n1, t1, _), (_, n2, t2, _) = generated[0], generated[-1]
        slope = (t2 - t1) / (n2 - n1)
        print(
            f"growth {n1} -> {n2} rules: x{t2 / t1:.1f} time for x{n2 / n1:.0f} rules; "
            f"marginal cost {slope:.3f} µs per added rule "
            f"(per-rule cost ratio {t2 / n2 / (t1 / n1):.2f}; 1.00 = exactly linear)"
        )
    verdict = "meets" if rows[0][2] < TARGET_US else "MISSES"
    print(f"default set: {rows[0][2]:.1f} µs per call {verdict} the target of well under {TARGET_US} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main([int(arg) for arg in sys.argv[1:]] or [100, 1000]))
