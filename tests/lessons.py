"""What a lesson is, in facts: the Step fields a step changes, and those a test depends on, as its
`applies_to` or `reads` marker names them (MARKERS; tests/README.md tells how they select steps)."""

import dataclasses
import importlib
import inspect
from pathlib import Path

from tools.series import Step, Variant, starting_point

TESTS = Path(__file__).parent
# Not facts of a lesson: every step differs from the one before in them.
IDENTITY = {"folder", "summary", "builds_on", "location"}
FACTS = {field.name for field in dataclasses.fields(Step)} - IDENTITY
VARIANT_FACTS = {field.name for field in dataclasses.fields(Variant)}
MARKERS = {
    "applies_to(*facts)": "run only for steps (or variants) where one of these Step (or Variant) fields is set",
    "reads(*facts)": "run for every step; what the test expects depends on these Step fields",
}


def takes_variant(function) -> bool:
    return "variant" in inspect.signature(function).parameters


def selected(marks, step: Step, variant: Variant | None = None) -> bool:
    """Whether each applies_to marker among `marks` holds: on the variant for its own fields, else on the step."""
    return all(
        any(getattr(variant if variant is not None and fact in VARIANT_FACTS else step, fact) for fact in mark.args)
        for mark in marks if mark.name == "applies_to"
    )


def marks_of(function, module) -> list:
    return list(getattr(function, "pytestmark", [])) + list(getattr(module, "pytestmark", []))


def runs_for(function, module, step: Step) -> bool:
    """Whether conftest.py gives the test this step, with at least one variant if it takes one."""
    marks = marks_of(function, module)
    if takes_variant(function):
        return any(selected(marks, step, variant) for variant in step.variants)
    return selected(marks, step)


def declared_facts(function, module) -> set[str]:
    """The Step facts a test depends on, as its markers name them."""
    named = {fact for mark in marks_of(function, module) if mark.name in ("applies_to", "reads") for fact in mark.args}
    if takes_variant(function):
        named = {fact for fact in named if fact not in VARIANT_FACTS} | {"variants"}
    return named


def suite_tests():
    """(module, function) for every test function of the suite."""
    for path in sorted(TESTS.glob("test_*.py")):
        module = importlib.import_module(path.stem)
        for name, function in vars(module).items():
            if name.startswith("test_") and inspect.isfunction(function) and function.__module__ == module.__name__:
                yield module, function


def lesson_facts(step: Step) -> set[str]:
    """The facts that tools/series.py states differently for a step and its starting point."""
    before = starting_point(step)
    return {fact for fact in FACTS if before and getattr(step, fact) != getattr(before, fact)}


def exercise_tests(step: Step) -> list[str]:
    """Node ids of the tests that depend (`applies_to` or `reads`) on a fact of the step's lesson,
    outside the modules about the repository rather than the folder: what its exercise runs."""
    from tools.workshop import NOT_ABOUT_THE_FOLDER

    facts = lesson_facts(step)
    return sorted(
        f"{TESTS.name}/{Path(module.__file__).name}::{function.__name__}"
        for module, function in suite_tests()
        if Path(module.__file__).name not in NOT_ABOUT_THE_FOLDER and declared_facts(function, module) & facts
    )
