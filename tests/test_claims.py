"""Every Better and Worse line of a README names the tests that prove it (no Docker needed).

A README's claim lists are the top-level bullets under a heading named "Better", "Worse"
or "Ready for production" (the root's Final result section). Each bullet names its tests
as Markdown links whose text is a test function in backticks and whose target is the
test module, relative to the README: [`test_server_user`](../tests/test_image.py).
The README is parsed with markdown-it-py, and each bullet must:

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
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from lessons import FACTS, TESTS, declared_facts, lesson_facts, runs_for, suite_tests
from tools.series import REPO, STEPS, Step, starting_point

CLAIM_HEADINGS = ("Better", "Worse", "Ready for production")
TEST_NAME = re.compile(r"test_\w+")


@dataclass
class Claim:
    section: str
    line: int  # 1-based, in the README
    end: int  # the line after the bullet's last
    text: str
    tests: list[tuple[str, str]]  # (link target as written, test function name)

    def where(self, readme: Path) -> str:
        snippet = self.text if len(self.text) <= 70 else self.text[:67] + "..."
        return f"{readme.relative_to(REPO)}:{self.line} ({self.section}: {snippet!r})"


def claims(text: str) -> list[Claim]:
    """The top-level bullets under each claim heading, with the tests they link."""
    tokens = MarkdownIt("commonmark").parse(text)
    found, section, section_level, depth = [], None, 0, 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            title = tokens[index + 1].content.strip()
            if title in CLAIM_HEADINGS:
                section, section_level = title, level
            elif section and level <= section_level:
                section = None
        elif not section:
            continue
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open" and depth == 1:
            found.append(Claim(section, token.map[0] + 1, token.map[1] + 1, "", []))
        elif token.type == "inline" and found and depth >= 1 and found[-1].line - 1 <= token.map[0]:
            claim = found[-1]
            claim.text = (claim.text + " " + token.content.replace("\n", " ")).strip()
            claim.tests += linked_tests(token.children or [])
    return found


def linked_tests(children) -> list[tuple[str, str]]:
    """Links whose whole text is one `test_name` in backticks."""
    found = []
    for index, token in enumerate(children):
        if token.type != "link_open" or index + 2 >= len(children):
            continue
        text, close = children[index + 1], children[index + 2]
        if text.type == "code_inline" and close.type == "link_close" and TEST_NAME.fullmatch(text.content):
            found.append((token.attrs["href"], text.content))
    return found


def problems(readme: Path, step: Step, text: str | None = None) -> list[str]:
    """What is wrong with the README's binding (or `text` in its place), one message per line at fault."""
    before = starting_point(step)
    lesson = lesson_facts(step) if before else set()
    found = []
    bullets = claims(readme.read_text() if text is None else text)
    if not bullets:
        return [f"{readme.relative_to(REPO)} has no Better or Worse bullets"]
    for claim in bullets:
        where = claim.where(readme)
        if not claim.tests:
            found.append(f"{where} names no test: link one as [`test_name`](tests/test_module.py)")
            continue
        read, bad = set(), False
        for target, name in claim.tests:
            module_path = Path(os.path.normpath(readme.parent / target))
            if module_path.parent != TESTS or not re.fullmatch(r"test_\w+\.py", module_path.name):
                found.append(f"{where} links `{name}` to {target}, which is not a test module in tests/")
                bad = True
                continue
            if not module_path.is_file():
                found.append(f"{where} links `{name}` to {target}, which does not exist")
                bad = True
                continue
            module = importlib.import_module(module_path.stem)
            function = getattr(module, name, None)
            if not callable(function):
                found.append(f"{where} names `{name}`, which {target} does not define")
                bad = True
            elif not runs_for(function, module, step):
                found.append(f"{where} names `{name}`, which does not run for {step.name}")
                bad = True
            else:
                read |= declared_facts(function, module) & FACTS
        if bad or not before:
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


STEP_READMES = {step.path / "README.md": step for step in STEPS}


def test_every_fact_is_tested():
    """A fact no test depends on (by its applies_to or reads marker) is a promise nobody checks."""
    declared = set().union(*(declared_facts(function, module) for module, function in suite_tests()))
    assert FACTS <= declared, f"Step facts no test names in applies_to or reads: {sorted(FACTS - declared)}"


@pytest.mark.parametrize("readme", list(STEP_READMES), ids=lambda r: r.relative_to(REPO).as_posix())
def test_every_claim_names_its_tests(readme):
    if not readme.is_file():
        pytest.fail(
            f"{readme.relative_to(REPO)} does not exist: a step's README says what got better and worse",
            pytrace=False,
        )
    found = problems(readme, STEP_READMES[readme])
    assert not found, "\n  ".join(["Better/Worse lines not bound to their tests:", *found])


# --- the checker itself, on edited copies of a README's text ---------------------------

STEP_4 = next(step for step in STEPS if step.name == "step-4-nontrivial-improvements")
STEP_5 = next(step for step in STEPS if step.name == "step-5-larger-project")


def _bullet_lines(text: str, claim: Claim) -> list[str]:
    return text.splitlines(keepends=True)[claim.line - 1:claim.end - 1]


def test_a_line_that_loses_its_test_link_fails():
    readme = STEP_4.path / "README.md"
    text = readme.read_text()
    claim = next(c for c in claims(text) if c.section == "Better")
    lines = text.splitlines(keepends=True)
    for number in range(claim.line - 1, claim.end - 1):
        lines[number] = re.sub(r"\[(`test_\w+`)\]\([^)]*\)", r"\1", lines[number])
    found = problems(readme, STEP_4, "".join(lines))
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
    edited = "".join(lines[:at] + _bullet_lines(text_4, moved) + lines[at:])
    assert not problems(readme_5, STEP_5), "step 5's README should be bound before the edit"
    found = problems(readme_5, STEP_5, edited)
    assert len(found) == 1 and f"README.md:{at + 1} " in found[0] and "nothing that changed" in found[0], found
