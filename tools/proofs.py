"""Every Better and Worse line proven against another folder: `python -m tools.proofs`.

A Better line is proven when its tests pass on its step and at least one of them fails on
a copy of the step it builds on, answering as the step (as a workshop exercise does). A
Worse line is proven when its tests pass on its step (the flaw is there) and at least one
fails on a copy of the step it names as the fix; a Worse line that says "No later step fixes
this" needs only the first half. Each line's outcome goes to docs/proofs.json with a
digest of what it depended on (the line, both folders, the test modules, the step's facts),
so that a static test tells a missing, stale or failed proof without Docker.

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
from tools.workshop import rehearse
from tools.scoreboard.images import dockerfile_digest
from tools.scoreboard.redact import redact
from tools.series import BY_NAME, REPO, STEPS, Step, starting_point

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
    return {
        name: Path(os.path.normpath(readme(step).parent / target)) for target, name in claim.tests
    }


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
    for part in (step, other) if other else (step,):
        _app_digest(part, into)
    for module in sorted(set(test_modules(step, claim).values())):
        into.update(module.read_bytes())
    # The facts the tests hold the step to (tools/series.py's entry), not the whole file.
    into.update(repr(step).encode())
    return into.hexdigest()


# --- the outcome of a line ------------------------------------------------------------


def verdict(entry: dict) -> str | None:
    """Why a line's recorded outcome proves nothing, or None when it is proven."""
    tests = entry["tests"]
    here = {name: outcome["here"] for name, outcome in tests.items()}
    if failing := sorted(name for name, outcome in here.items() if outcome != "passed"):
        return f"{', '.join(failing)} did not pass on the step itself ({', '.join(here[n] for n in failing)})"
    if entry["against"] is None:
        return None
    if not any(outcome["against"] == "failed" for outcome in tests.values()):
        side = "the step before" if entry["section"] != "Worse" else "the step that fixes it"
        return f"every test passed on {entry['against']} ({side}) as well: the line is proven by none of them"
    return None


def load(path: Path = PATH) -> dict:
    return json.loads(path.read_text()) if path.exists() else {"about": ABOUT, "lines": []}


def find(data: dict, readme_path: Path, claim: claims.Claim) -> dict | None:
    where = readme_path.relative_to(REPO).as_posix()
    return next(
        (e for e in data["lines"] if e["readme"] == where and e["section"] == claim.section and e["text"] == claim.text),
        None,
    )


def problems(step: Step, data: dict, text: str | None = None) -> list[str]:
    """Each line of the step's README without a current, passing proof (no Docker)."""
    path = readme(step)
    found = []
    for claim in claims.claims(path.read_text() if text is None else text):
        where = claim.where(path)
        if claim.section == "Worse" and against(step, claim) is None and claims.KEPT not in claim.text.lower():
            found.append(f"{where} links no step that fixes it and does not say \"{claims.KEPT}\"")
            continue
        entry = find(data, path, claim)
        if entry is None:
            found.append(f"{where} has no proof: run `{COMMAND} --step {step.name}`")
        elif entry["digest"] != digest(step, claim):
            found.append(f"{where}: its proof is stale (the line, a folder or a test changed): run `{COMMAND} --step {step.name}`")
        elif reason := verdict(entry):
            found.append(f"{where} is not proven: {reason}")
    return found


# --- running the tests ----------------------------------------------------------------


def node_ids(step: Step, names: dict[str, Path]) -> list[str]:
    return sorted({f"{module.relative_to(REPO).as_posix()}::{name}" for name, module in names.items()})


def run_tests(step: Step, ids: list[str], folder: Path | None = None) -> dict[str, tuple[str, str]]:
    """name -> (outcome, first line of its failure): each test's worst outcome over its instances."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.xml"
        command = [
            sys.executable, "-m", "pytest", *ids, "--step", step.name, "-p", "no:cacheprovider",
            "-q", "--tb=line", f"--junitxml={report}",
        ]
        if folder:
            command += ["--folder", str(folder)]
        where = f"{step.name} on {folder.name if folder else 'its own folder'}"
        print(f"[proofs] {where}: {len(ids)} tests", file=sys.stderr, flush=True)
        started = time.monotonic()
        process = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        print(f"[proofs] {where}: done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        if not report.exists():
            raise RuntimeError(f"pytest wrote no report for {where}:\n{process.stdout[-3000:]}{process.stderr[-3000:]}")
        return outcomes(ElementTree.parse(report), folder)


RANK = {"passed": 0, "skipped": 1, "failed": 2}


def outcomes(tree: ElementTree.ElementTree, folder: Path | None) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for case in tree.iter("testcase"):
        name = case.get("name", "").partition("[")[0]
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome, message = "failed", child.get("message") or (child.text or "")
                break
            if child.tag == "skipped":
                outcome, message = "skipped", child.get("message", "")
        if name not in found or RANK[outcome] > RANK[found[name][0]]:
            found[name] = (outcome, short(message, folder))
    return found


def short(message: str, folder: Path | None) -> str:
    """A failure's first line, without the exception's name, fit to publish."""
    line = message.strip().splitlines()[0] if message.strip() else ""
    line = redact(re.sub(r"^(\w+Error|Failed|Exception): ", "", line), *filter(None, [folder, REPO]))
    return line if len(line) <= 160 else line[:159] + "…"


def prove(step: Step, data: dict) -> dict:
    """Run the step's lines' tests on its folder and on each folder a line is proven against."""
    path = readme(step)
    lines = claims.claims(path.read_text())
    named = {name: module for claim in lines for name, module in test_modules(step, claim).items()}
    here = run_tests(step, node_ids(step, named))
    there: dict[str, dict] = {}
    for other in {against(step, claim).name for claim in lines if against(step, claim)}:
        names = {
            name: module for claim in lines if (o := against(step, claim)) and o.name == other
            for name, module in test_modules(step, claim).items()
        }
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / f"{other}-as-{step.name}"
            workshop.copy_as(BY_NAME[other], step, copy)
            try:
                there[other] = run_tests(step, node_ids(step, names), copy)
            finally:
                rehearse.remove_images_of(step, copy)
    where = path.relative_to(REPO).as_posix()
    kept = [e for e in data["lines"] if e["readme"] != where]
    for claim in lines:
        other = against(step, claim)
        tests = {}
        for name in test_modules(step, claim):
            outcome, message = here.get(name, ("not run", ""))
            record = {"here": outcome}
            if other:
                record["against"], record["message"] = there[other.name].get(name, ("not run", ""))
            elif message:
                record["message"] = message
            tests[name] = record
        kept.append({
            "readme": where, "section": claim.section, "text": claim.text,
            "against": other.name if other else None, "tests": tests, "digest": digest(step, claim),
        })
    order = {readme(s).relative_to(REPO).as_posix(): i for i, s in enumerate(STEPS)}
    kept.sort(key=lambda e: order.get(e["readme"], len(order)))
    return {"about": ABOUT, "lines": kept}


def save(data: dict, path: Path = PATH) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --- what a README shows --------------------------------------------------------------


def _cell(text: str) -> str:
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
        save(data)
    unproven = [problem for step in STEPS for problem in problems(step, data)]
    print("\n".join(unproven) or "every line is proven")
    return 1 if unproven else 0


if __name__ == "__main__":
    sys.exit(main())
