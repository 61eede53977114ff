"""What a lesson is, in facts: the Step fields a step changes, and those a test reads."""

import ast
import dataclasses

from tools.series import Step, starting_point

# Not facts of a lesson: every step differs from the one before in them.
IDENTITY = {"folder", "answer", "builds_on", "location"}
# Fixtures parametrized from a fact: a test asking for one depends on that fact.
FIXTURE_FACTS = {"variant": "variants"}


def facts_read(function: ast.FunctionDef) -> set[str]:
    """The Step fields a test function (its decorators included) reads."""
    read = {
        node.attr for node in ast.walk(function)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "step"
    }
    return read | {FIXTURE_FACTS[arg.arg] for arg in function.args.args if arg.arg in FIXTURE_FACTS}


def lesson_facts(step: Step) -> set[str]:
    """The facts that tools/series.py states differently for a step and its starting point."""
    before = starting_point(step)
    return {
        field.name for field in dataclasses.fields(Step)
        if field.name not in IDENTITY and getattr(step, field.name) != getattr(before, field.name)
    }
