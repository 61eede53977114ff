"""Every Better and Worse line proven against another folder: `python -m tools.proofs`.

A line is proven when its tests pass on its step and at least one fails on a copy, answering
as the step, of the step it builds on (Better) or of the step it names as the fix (Worse). A
line with no such step (step 1's Better lines, a Worse line that says "No later step fixes
this") needs only the first half. Outcomes go to docs/proofs.json with a digest of what they
depended on, so a static test tells a missing, stale or failed proof without Docker. The copy
of the step before, with the task as its README (the untouched workshop exercise), also runs
the tests of the lesson's facts, which tests/test_workshop.py judges.

    python -m tools.proofs                # every README's lines: builds and runs images
    python -m tools.proofs --step NAME    # one step's lines (repeatable)
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from tools import claims, workshop
from tools.scoreboard import dockerfile_digest
from tools.scoreboard.data import redact
from tools.series import BY_NAME, REPO, STEPS, Step, facts, starting_point
from tools.workshop import rehearse

PATH = REPO / "docs" / "proofs.json"
COMMAND = "python -m tools.proofs"
ABOUT = f"Written by `{COMMAND}`; do not edit by hand."
RUN_TIMEOUT = 30 * 60


def readme(step: Step) -> Path:
    return step.path / "README.md"


def against(step: Step, claim: claims.Claim) -> Step | None:
    """The folder a line is proven against: the step before (Better) or the fix (Worse)."""
    return starting_point(step) if claim.better else claim.fixed_in(readme(step))


def test_modules(step: Step, claim: claims.Claim) -> dict[str, Path]:
    """Each test the line names, with its module."""
    return {name: Path(os.path.normpath(readme(step).parent / target)) for target, name in claim.tests}


def _app_digest(step: Step, into) -> None:
    with tempfile.TemporaryDirectory() as folder:
        workshop.copy_app(step, Path(folder))
        for path in sorted(Path(folder).rglob("*")):
            name = path.relative_to(folder).as_posix()
            if not path.is_file() or name == "README.md":
                continue
            # A Dockerfile's comments change nothing a test can see.
            content = dockerfile_digest(path).encode() if path.name.endswith("Dockerfile") else path.read_bytes()
            into.update(name.encode() + b"\0" + content + b"\0")


def digest(step: Step, claim: claims.Claim) -> str:
    """What the line's proof depends on: its text, both folders, its test modules, the step's facts."""
    other = against(step, claim)
    into = hashlib.sha256()
    into.update(f"{claim.section}\0{claim.text}\0{other.name if other else ''}\0".encode())
    for part in filter(None, (step, other)):
        _app_digest(part, into)
    for module in sorted(set(test_modules(step, claim).values())):
        into.update(module.read_bytes())
    # The step's facts that differ from a Step's defaults (tools.series.facts), not the whole file.
    into.update(facts(step).encode())
    return into.hexdigest()


# --- the outcome of a line ------------------------------------------------------------


def load() -> dict:
    return json.loads(PATH.read_text()) if PATH.exists() else {"about": ABOUT, "lines": []}


def find(data: dict, readme_path: Path, claim: claims.Claim) -> dict | None:
    key = (readme_path.relative_to(REPO).as_posix(), claim.section, claim.text)
    return next((e for e in data["lines"] if (e["readme"], e["section"], e["text"]) == key), None)


def problems(step: Step, data: dict, text: str | None = None) -> list[str]:
    """Each line of the step's README without a current, passing proof (no Docker)."""
    path = readme(step)
    run = f"run `{COMMAND} --step {step.name}`"
    found = []
    for claim in claims.claims(path.read_text() if text is None else text):
        where = claim.where(path)
        if claim.section == "Worse" and against(step, claim) is None and claims.KEPT not in claim.text.lower():
            found.append(f"{where} links no step that fixes it and does not say \"{claims.KEPT}\"")
            continue
        entry = find(data, path, claim)
        if entry is None:
            found.append(f"{where} has no proof: {run}")
        elif entry["digest"] != digest(step, claim):
            found.append(f"{where}: its proof is stale (the line, a folder or a test changed): {run}")
        elif failing := sorted(name for name, test in entry["tests"].items() if test["here"] != "passed"):
            outcomes = ", ".join(entry["tests"][name]["here"] for name in failing)
            found.append(f"{where} is not proven: {', '.join(failing)} did not pass on the step itself ({outcomes})")
        elif entry["against"] and not any(test["against"] == "failed" for test in entry["tests"].values()):
            side = "the step before" if claim.better else "the step that fixes it"
            found.append(
                f"{where} is not proven: every test passed on {entry['against']} ({side}) as well: "
                "the line is proven by none of them"
            )
    return found


# --- running the tests ----------------------------------------------------------------


def node_ids(names: dict[str, Path]) -> list[str]:
    return sorted({f"{module.relative_to(REPO).as_posix()}::{name}" for name, module in names.items()})


def run_tests(step: Step, ids: list[str], folder: Path | None = None) -> dict[str, tuple[str, str]]:
    """name -> (outcome, first line of its failure): each test's worst outcome over its instances."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.xml"
        command = [
            sys.executable, "-m", "pytest", *ids, "--step", step.name, "-p", "no:cacheprovider", "-q", "--tb=line",
            f"--junitxml={report}", *(["--folder", str(folder)] if folder else []),
        ]
        where = f"{step.name} on {folder.name if folder else 'its own folder'}"
        print(f"[proofs] {where}: {len(ids)} tests", file=sys.stderr, flush=True)
        started = time.monotonic()
        process = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        print(f"[proofs] {where}: done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        if not report.exists():
            raise RuntimeError(f"pytest wrote no report for {where}:\n{process.stdout[-3000:]}{process.stderr[-3000:]}")
        found: dict[str, tuple[str, str]] = {}
        for case in ElementTree.parse(report).iter("testcase"):
            name = case.get("name", "").partition("[")[0]
            outcome, message = "passed", ""
            for child in case:
                if child.tag in ("failure", "error"):
                    outcome, message = "failed", child.get("message") or (child.text or "")
                    break
                if child.tag == "skipped":
                    outcome, message = "skipped", child.get("message", "")
            if name not in found or RANK[outcome] > RANK[found[name][0]]:
                found[name] = (outcome, redact(message, *filter(None, [folder, REPO])))
        return found


RANK = {"passed": 0, "skipped": 1, "failed": 2}


def short(message: str, limit: int = 160, first_line: bool = True) -> str:
    """A failure's message (its first line), without the exception's name, fit to publish."""
    line = message.strip().splitlines()[0] if first_line and message.strip() else " ".join(message.split())
    line = re.sub(r"^(\w+Error|Failed|Exception): ", "", line)
    return line if len(line) <= limit else line[:limit - 1] + "…"


def prove(step: Step, data: dict) -> dict:
    """Run the step's lines' tests on its folder and on each folder a line is proven against;
    on the step before, its exercise's tests too."""
    path = readme(step)
    lines = claims.claims(path.read_text())
    named = {name: module for claim in lines for name, module in test_modules(step, claim).items()}
    here = run_tests(step, node_ids(named))
    exercise = exercise_tests(step) if step.builds_on else []
    there: dict[str, dict] = {}
    named_against: dict[str, dict[str, Path]] = {step.builds_on: {}} if exercise else {}
    for claim in lines:
        if other := against(step, claim):
            named_against.setdefault(other.name, {}).update(test_modules(step, claim))
    for other, names in sorted(named_against.items()):
        ids = node_ids(names) + (exercise if other == step.builds_on else [])
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / f"{other}-as-{step.name}"
            if other == step.builds_on:
                workshop.prepare(step, copy)  # the untouched exercise: the step before, the task as README
            else:
                workshop.copy_as(BY_NAME[other], step, copy)
            try:
                there[other] = run_tests(step, sorted(set(ids)), copy)
            finally:
                rehearse.remove_images_of(step, copy)
    where = path.relative_to(REPO).as_posix()
    kept = [e for e in data["lines"] if e["readme"] != where]
    for claim in lines:
        other = against(step, claim)
        tests = {}
        for name in test_modules(step, claim):
            outcome, message = here.get(name, ("not run", ""))
            tests[name] = record = {"here": outcome}
            if other:
                outcome, message = there[other.name].get(name, ("not run", ""))
                record["against"] = outcome
            if other or message:
                record["message"] = short(message)
        kept.append({
            "readme": where, "section": claim.section, "text": claim.text,
            "against": other.name if other else None, "tests": tests, "digest": digest(step, claim),
        })
    order = {readme(s).relative_to(REPO).as_posix(): i for i, s in enumerate(STEPS)}
    kept.sort(key=lambda e: order.get(e["readme"], len(order)))
    exercises = [e for e in data.get("exercises", []) if e["step"] != step.name]
    if exercise:
        exercises.append({
            "step": step.name, "against": step.builds_on,
            "tests": {
                node: {"outcome": outcome, "message": short(message, 400, first_line=False)}
                for node in exercise
                for outcome, message in [there[step.builds_on].get(node.rpartition("::")[2], ("not run", ""))]
            },
            "digest": exercise_digest(step),
        })
    exercises.sort(key=lambda e: [s.name for s in STEPS].index(e["step"]) if e["step"] in BY_NAME else len(STEPS))
    return {"about": ABOUT, "lines": kept, "exercises": exercises}


# --- the workshop's exercises ---------------------------------------------------------


def exercise_tests(step: Step) -> list[str]:
    """Node ids of the tests that depend on a fact of the step's lesson (tests/lessons.py)."""
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    import lessons

    return lessons.exercise_tests(step)


def exercise_digest(step: Step) -> str:
    """What an exercise's outcome depends on: the step before, the task, the tests, both steps' facts."""
    into = hashlib.sha256()
    _app_digest(starting_point(step), into)
    into.update(workshop.task_path(step).read_bytes())
    tests = exercise_tests(step)
    into.update("\0".join(tests).encode())
    for module in sorted({node.partition("::")[0] for node in tests}):
        into.update((REPO / module).read_bytes())
    into.update(facts(step).encode() + facts(starting_point(step)).encode())
    return into.hexdigest()


def exercise_problem(step: Step, data: dict, promise: str) -> str | None:
    """Why the record does not show the untouched exercise failing with `promise`, or None."""
    entry = next((e for e in data.get("exercises", []) if e["step"] == step.name), None)
    run = f"run `{COMMAND} --step {step.name}`"
    if entry is None:
        return f"{step.name}'s exercise has no recorded run: {run}"
    if entry["digest"] != exercise_digest(step):
        return f"{step.name}'s exercise record is stale (the step before, the task or a test changed): {run}"
    failed = {node: t["message"] for node, t in entry["tests"].items() if t["outcome"] == "failed"}
    if not failed:
        return (
            f"the untouched exercise {step.name} (a copy of {entry['against']}) passed every test of its "
            f"lesson ({', '.join(entry['tests'])}): nothing tells an attendee the lesson is missing"
        )
    if not any(promise.lower() in message.lower() for message in failed.values()):
        said = "\n".join(f"  {node}: {message}" for node, message in failed.items())
        return (
            f"{step.name}: the untouched exercise's failures do not say `{promise}`, as its task promises; "
            f"they say:\n{said}"
        )
    return None


# --- what a README shows --------------------------------------------------------------


# The per-folder suffix of the suite's image tags, different at every run.
_TAG_SUFFIX = re.compile(r"(dockerizing-python-test/[\w.-]+?)-[0-9a-f]{8}(?=:)|(?<=scratch:)[0-9a-f]{12}\b")


def _cell(text: str) -> str:
    text = _TAG_SUFFIX.sub(lambda m: m.group(1) or "…", text)
    return re.sub(r"\s+", " ", text).replace("|", "\\|").replace("`", "'")


def section(step: Step, data: dict) -> str:
    """The README's table, from docs/proofs.json alone: each line, its tests' outcome here
    and on the other folder. (Whether a proof is current is the suite's check.)"""
    path = readme(step)
    where = path.relative_to(REPO).as_posix()
    entries = [entry for entry in data["lines"] if entry["readme"] == where]
    if not entries:
        return f"Not proven yet: run `{COMMAND} --step {step.name}`.\n"
    rows = []
    for entry in entries:
        words = entry["text"].split()
        line = f"{entry['section']}: {' '.join(words[:8])}{' …' if len(words) > 8 else ''}"
        failed = [(n, t) for n, t in entry["tests"].items() if t.get("against") == "failed"]
        if entry["against"] is None and entry["section"] != "Worse":
            shown = "the first step: no step before it to fail on"
        elif entry["against"] is None:
            shown = "no later step fixes it"
        elif failed:
            name, outcome = failed[0]
            shown = f"`{name}` fails on a copy of {entry['against']}: {_cell(outcome['message'])}"
        else:
            shown = f"nothing fails on a copy of {entry['against']}: not proven"
        status = "pass" if all(t["here"] == "passed" for t in entry["tests"].values()) else "do not pass"
        rows.append(f"| {_cell(line)} | its tests {status} | {shown} |")
    return (
        f"Each line above, run with `{COMMAND}`: its tests on this folder, and a Better line's on "
        "a copy of the step before, a Worse line's on a copy of the step that fixes it (every "
        "outcome: [proofs.json](" + os.path.relpath(PATH, path.parent) + ")).\n\n"
        "| line | on this step | against |\n| --- | --- | --- |\n" + "\n".join(rows) + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--step", action="append", default=[], choices=list(BY_NAME), metavar="NAME")
    args = parser.parse_args(argv)
    data = load()
    for step in [s for s in STEPS if not args.step or s.name in args.step]:
        data = prove(step, data)
        PATH.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    unproven = [problem for step in STEPS for problem in problems(step, data)] + [
        problem for step in workshop.exercises()
        if (problem := exercise_problem(step, data, workshop.promised_failure(step) or "")) is not None
    ]
    print("\n".join(unproven) or "every line is proven")
    return 1 if unproven else 0


if __name__ == "__main__":
    sys.exit(main())
