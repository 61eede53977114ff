"""Every Better and Worse line of a README names the tests that prove it (no Docker needed).

tools/claims.py says which bullets are claims and how they link their tests (it parses the
README with markdown-it-py). Each bullet must:

- name at least one test;
- name tests that exist in the module linked (the module is imported, not searched);
- name tests that run for the README's step: every `applies_to` marker (on the function
  or the module's `pytestmark`) holds for the step of tools/series.py;
- describe what changed since the step it builds on (`starting_point`): at least one of
  its tests depends on a Step fact in which the two steps differ, as its `applies_to`
  or `reads` marker names it (the folder and what it builds on are not facts).

The one exception is a non-fact: a bullet whose every test depends on no Step fact,
since the suite demands that property of every step alike (it serves, gunicorn is
PID 1, `docker stop` is prompt). It is true from the first step on, so it may stand only
in a README whose step builds on nothing (step 1); anywhere else it repeats step 1.
"""

import importlib
import os
import re
from pathlib import Path

import pytest

from lessons import FACTS, TESTS, declared_facts, lesson_facts, runs_for, suite_tests
from tools import claims as claims_module
from tools import proofs
from tools.claims import Claim, claims
from tools.readmes import STEP_OF_README
from tools.series import REPO, STEP_3, STEP_4, STEP_5, STEPS, Step, starting_point


def problems(readme: Path, step: Step, text: str | None = None) -> list[str]:
    """What is wrong with the README's binding (or `text` in its place), one message per line at fault."""
    before = starting_point(step)
    lesson = lesson_facts(step)
    found = []
    bullets = claims(readme.read_text() if text is None else text)
    if not bullets:
        return [f"{readme.relative_to(REPO)} has no Better or Worse bullets"]
    for claim in bullets:
        where = claim.where(readme)
        if not claim.tests:
            found.append(f"{where} names no test: link one as [`test_name`](tests/test_module.py)")
            continue
        read, reported = set(), len(found)
        for target, name in claim.tests:
            module_path = Path(os.path.normpath(readme.parent / target))
            if module_path.parent != TESTS or not re.fullmatch(r"test_\w+\.py", module_path.name):
                found.append(f"{where} links `{name}` to {target}, which is not a test module in tests/")
            elif not module_path.is_file():
                found.append(f"{where} links `{name}` to {target}, which does not exist")
            else:
                module = importlib.import_module(module_path.stem)
                function = getattr(module, name, None)
                if not callable(function):
                    found.append(f"{where} names `{name}`, which {target} does not define")
                elif not runs_for(function, module, step):
                    found.append(f"{where} names `{name}`, which does not run for {step.name}")
                else:
                    read |= declared_facts(function, module) & FACTS
        if len(found) > reported or not before:
            continue
        if not read:
            found.append(
                f"{where}: its tests depend on no Step fact, so it holds for every step since "
                f"{STEPS[0].name}: say it there, not in {step.name}"
            )
        elif not read & lesson:
            found.append(
                f"{where} describes nothing that changed since {before.name}: its tests depend on "
                f"{sorted(read)}, and {step.name} differs from {before.name} only in {sorted(lesson)} "
                "(move the line to the step that made it true, or drop it)"
            )
    return found


def test_every_fact_is_tested():
    """A fact no test depends on (by its applies_to or reads marker) is a promise nobody checks."""
    declared = set().union(*(declared_facts(function, module) for module, function in suite_tests()))
    assert declared >= FACTS, f"Step facts no test names in applies_to or reads: {sorted(FACTS - declared)}"


@pytest.mark.parametrize("readme", list(STEP_OF_README), ids=lambda r: r.relative_to(REPO).as_posix())
def test_every_claim_names_its_tests(readme):
    # A missing README fails here too; tests/test_docs.py's test_every_step_has_a_readme says so.
    found = problems(readme, STEP_OF_README[readme])
    assert not found, "\n  ".join(["Better/Worse lines not bound to their tests:", *found])


# --- the checker itself, on edited copies of a README's text ---------------------------

def edit_bullet(text: str, claim: Claim, pattern: str, replacement: str) -> str:
    """`text` with `pattern` replaced in the claim's bullet only."""
    lines = text.splitlines(keepends=True)
    for number in range(claim.line - 1, claim.end - 1):
        lines[number] = re.sub(pattern, replacement, lines[number])
    return "".join(lines)


def test_a_line_that_loses_its_test_link_fails():
    readme = STEP_4.path / "README.md"
    text = readme.read_text()
    claim = next(c for c in claims(text) if c.section == "Better")
    found = problems(readme, STEP_4, edit_bullet(text, claim, r"\[(`test_\w+`)\]\([^)]*\)", r"\1"))
    assert any(f"README.md:{claim.line} " in problem and "names no test" in problem for problem in found), found


def test_a_line_moved_to_the_wrong_step_fails():
    """A step 4 line about Python's environment variables, pasted into step 5's Better list."""
    text_4 = (STEP_4.path / "README.md").read_text()
    moved = next(
        c for c in claims(text_4)
        if c.section == "Better" and any(name == "test_python_environment_variables" for _, name in c.tests)
    )
    readme_5 = STEP_5.path / "README.md"
    lines = readme_5.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "## Better") + 2
    edited = "".join(lines[:at] + text_4.splitlines(keepends=True)[moved.line - 1:moved.end - 1] + lines[at:])
    assert not problems(readme_5, STEP_5), "step 5's README should be bound before the edit"
    found = problems(readme_5, STEP_5, edited)
    assert len(found) == 1 and f"README.md:{at + 1} " in found[0] and "nothing that changed" in found[0], found


# --- each line proven against another folder (docs/proofs.json, no Docker) -------------

@pytest.mark.parametrize("readme", list(STEP_OF_README), ids=lambda r: r.relative_to(REPO).as_posix())
def test_every_claim_is_proven(readme):
    found = proofs.problems(STEP_OF_README[readme], proofs.load())
    assert not found, "\n  ".join(["Better/Worse lines without a current proof:", *found])


def test_a_line_whose_test_also_passes_on_the_step_before_is_not_proven():
    """Step 3's first Better line, its test swapped for one that step 2 passes as well."""
    text = (STEP_3.path / "README.md").read_text()
    first = next(c for c in claims(text) if c.section == "Better")
    text = edit_bullet(text, first, re.escape(f"[`{first.tests[0][1]}`]"), "[`test_server_user`]")
    claim = next(c for c in claims(text) if c.line == first.line)
    found = proofs.problems(STEP_3, proofs.load(), text)
    assert any(f"README.md:{claim.line} " in p and "has no proof" in p for p in found), found
    # Proven again, both sides pass: recorded, current, and still refused.
    where = (STEP_3.path / "README.md").relative_to(REPO).as_posix()
    entry = {
        "readme": where, "section": claim.section, "text": claim.text, "against": "step-2-kiss-poetry",
        "tests": {"test_server_user": {"here": "passed", "against": "passed", "message": ""}},
        "digest": proofs.digest(STEP_3, claim),
    }
    found = proofs.problems(STEP_3, {"lines": [entry]}, text)
    assert any(f"README.md:{claim.line} " in p and "proven by none of them" in p for p in found), found


def test_a_proof_of_other_files_is_stale():
    data = proofs.load()
    readme = STEP_3.path / "README.md"
    claim = claims(readme.read_text())[0]
    entry = proofs.find(data, readme, claim)
    assert entry, f"{claim.where(readme)} has no proof"
    stale = {"lines": [{**entry, "digest": "0" * 64}]}
    assert any("stale" in p for p in proofs.problems(STEP_3, stale)), proofs.problems(STEP_3, stale)


def test_a_worse_line_names_its_fix_or_says_the_series_keeps_it():
    readme = STEP_3.path / "README.md"
    text = readme.read_text()
    claim = next(c for c in claims(text) if c.section == "Worse" and c.step_links)
    unlinked = edit_bullet(text, claim, r"\[([^\]]+)\]\(\.\./[^)]*README\.md\)", r"\1")
    found = proofs.problems(STEP_3, proofs.load(), unlinked)
    assert any(f"README.md:{claim.line} " in p and claims_module.KEPT in p for p in found), found
