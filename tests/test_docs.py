"""The documents say what the files and the measurements say (no Docker needed).

tools.docs renders every generated part of the Markdown files again from the step folders
and the committed data, to compare; `python -m tools.docs` writes what differs.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tools import docs, figures, proofs, readmes, workshop
from tools.docs import sections
from tools.scoreboard import CHART_PATH, JSON_PATH, chart, dockerfile_digest, measured_images
from tools.scoreboard import data as scoreboard_data
from tools.series import REPO, SRC_APP, STEPS, lesson

ROOT_README = REPO / "README.md"
GENERATED = docs.generated_files()
STEP_READMES = [readme for readme in readmes.STEP_OF_README if readme.is_file()]
REGENERATE = f"run `{docs.COMMAND}`"


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def path_params(name: str, paths: list[Path]):
    return pytest.mark.parametrize(name, paths, ids=[rel(path) for path in paths])


def test_every_step_has_a_readme(step):
    readme = step.path / "README.md"
    assert readme.is_file(), (
        f"tools/series.py lists {step.name}, but {rel(readme)} does not exist"
        + ("" if step.path.is_dir() else f" (nor does the folder {step.folder}/)")
    )


# --- the generated parts -----------------------------------------------------------------


@path_params("markdown", GENERATED)
def test_generated_parts_are_current(markdown):
    outdated, problems = docs.refresh([markdown], check=True)
    assert not problems, "cannot generate:\n  " + "\n  ".join(map(str, problems)) + (
        f"\nfix the marker or what it names, then {REGENERATE}"
    )
    assert not outdated, (
        "not what the files and the committed data give:\n  "
        + "\n  ".join(map(str, outdated)) + f"\n{REGENERATE}"
    )


@path_params("readme", STEP_READMES)
def test_every_step_readme_embeds_its_dockerfile_and_measurements(readme):
    names = [section.name for section in readmes.blocks(readme.read_text())]
    for name in ("dockerfile", "scoreboard"):
        assert name in names, (
            f"{rel(readme)} has no <!-- {name}:begin --> ... <!-- {name}:end --> section "
            f"(each marker on a line of its own): add one, then {REGENERATE}"
        )
    assert names.count("scoreboard") == 1, f"{rel(readme)} has {names.count('scoreboard')} measured sections"


def test_a_stale_section_is_listed_by_its_marker(monkeypatch):
    """Here the table of steps, which follows tools/series.py: a step left out, its row goes."""
    monkeypatch.setattr(sections, "STEPS", [s for s in STEPS if s.name != "step-3-basic-improvements"])
    outdated, _ = docs.refresh([ROOT_README], check=True)
    assert "README.md: <!-- steps:begin -->" in map(str, outdated)


def test_a_step_without_a_summary_is_named():
    later = lesson(STEPS[-1], "extra-9-later")
    with pytest.raises(ValueError, match="extra-9-later has no summary"):
        sections.lesson(later)


def test_sections_no_tool_fills_are_reported(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("<!-- nonsense:begin -->\nx\n<!-- nonsense:end -->\n\n<!-- steps:begin -->\n")
    _, problems = docs.refresh([page], check=True)
    assert [(finding.marker, finding.problem.split(";")[0]) for finding in problems] == [
        ("<!-- steps:begin -->", "opens or closes no section"),
        ("<!-- nonsense:begin -->", "no section is called 'nonsense'"),
    ]


# --- the measurements behind them --------------------------------------------------------


def test_scoreboard_measured_every_image_as_committed(step):
    """Every image of the step measured, built fine, from the Dockerfile as it is now."""
    by_key = {entry["key"]: entry for entry in scoreboard_data.load()["images"]}
    problems = []
    for image in measured_images([step]):
        entry = by_key.get(image.key)
        dockerfile = step.path / image.dockerfile
        if entry is None:
            problems.append(f"{image.key} was never measured")
        elif entry["status"] != "ok":
            problems.append(f"{image.key} failed at {entry['phase']} when last measured")
        elif not dockerfile.is_file():
            problems.append(f"{rel(dockerfile)} does not exist")
        elif entry["dockerfile_sha256"] != dockerfile_digest(dockerfile):
            problems.append(f"{rel(dockerfile)} changed since {image.key} was measured")
    assert not problems, f"{rel(JSON_PATH)}: {'; '.join(problems)}: run `bash tools/measure --only {step.name}`"


def test_scoreboard_chart_is_current():
    # A picture, drawn with matplotlib where the measurements are: not one of tools.docs' parts.
    assert CHART_PATH.is_file(), f"{rel(CHART_PATH)} is missing: run `bash tools/measure --render`"
    assert chart.recorded_source(CHART_PATH) == chart.source(scoreboard_data.load()), (
        f"{rel(CHART_PATH)} was not drawn from the current {rel(JSON_PATH)}: run `bash tools/measure --render`"
    )


# --- no typed figure: each one says its source, and the source agrees -------------------


@path_params("markdown", figures.prose_files())
def test_no_figure_is_typed_without_its_source(markdown):
    found = figures.problems(markdown, scoreboard_data.load())
    assert not found, "\n  ".join(["figures or comparisons in prose, unchecked or contradicted:", *found])


def test_a_comparison_the_scoreboard_contradicts_fails():
    board = scoreboard_data.load()
    pair = [e for e in board["images"] if e["key"] in ("final", "final:uvicorn-worker")]
    faster, slower = sorted(pair, key=lambda e: e["throughput_rps"]["median"], reverse=True)
    claim = f"{slower['key']}.throughput_rps > {faster['key']}.throughput_rps"
    text = f"One answers more requests per second. <!-- measured: {claim} -->\n"
    found = figures.problems(ROOT_README, board, text)
    assert len(found) == 1 and "the scoreboard says otherwise" in found[0], found
    unchecked = figures.problems(ROOT_README, board, "It is 3.2 s faster.\n")
    assert len(unchecked) == 1 and "typed with no source" in unchecked[0], unchecked


def test_a_proof_whose_tests_fail_on_its_own_step_is_reported():
    data = proofs.load()
    entry = next(e for e in data["lines"] if e["against"] and e["section"] == "Better")
    step = next(s for s in STEPS if rel(proofs.readme(s)) == entry["readme"])
    assert not proofs.problems(step, data)
    name = next(iter(entry["tests"]))
    entry["tests"][name]["here"] = "failed"
    found = proofs.problems(step, data)
    assert len(found) == 1 and f"{name} did not pass on the step itself (failed)" in found[0], found


def test_a_setting_the_typed_number_contradicts_fails():
    setting = "<!-- setting: tools/workshop/timetable.py: SETUP = 15 -->"
    assert not figures.problems(REPO / "WORKSHOP.md", {}, f"A setup of 15 minutes {setting}.\n")
    found = figures.problems(REPO / "WORKSHOP.md", {}, f"A setup of 20 minutes {setting}.\n")
    assert len(found) == 1 and "the number typed before it (20)" in found[0], found


SCAFFOLD = "extra-7-your-lesson"
SCAFFOLD_README = """# Extra 7: your lesson

Step 5 with a health check.

<!-- dockerfile:begin -->
<!-- dockerfile:end -->

<!-- diff:begin -->
<!-- diff:end -->

<!-- scoreboard:begin -->
<!-- scoreboard:end -->

## Better

- The container reports its health ([`test_healthcheck_turns_healthy`](../tests/test_production.py)).

## Proven

<!-- proofs:begin -->
<!-- proofs:end -->
"""
HEALTHCHECK = """
# The lesson's one instruction.
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
"""
SCAFFOLD_TASK = f"""# Exercise: extra 7, your lesson

**Goal.** Give the image a `HEALTHCHECK` that asks the app's `/healthz`.

**What the check proves.** A container of the image turns healthy.

Untouched, the check fails with `healthcheck`.
{workshop.HOST_NOTES}
**Objective.** Add one instruction.

**Demo (2 minutes).** `docker ps` shows no health column for step 5.

**Discussion.** Who reads a container's health?

**Likely mistakes.**

1. Putting it in the export stage. The check prints `healthcheck`.
2. Asking a port the app does not listen on. The check prints `healthcheck`.

**Stretch goal.** Make it read the port from `PORT`.

**Work time.** 10 minutes: one line.
"""


def test_a_new_step_takes_its_folder_an_entry_a_task_and_the_generated_docs(tmp_path, request):
    """tests/README.md's "Adding a step", done in a copy of the repository: a step 5 with
    one instruction added. Of the static suite, only the records that need Docker (the
    measurement, the proofs) may fail then, each naming the command that makes it."""
    copy = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, capture_output=True, text=True, check=True)
    for name in filter(None, files.stdout.split("\0")):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name, follow_symlinks=False)
    step = copy / SCAFFOLD
    shutil.copytree(copy / "step-5-larger-project", step)
    (step / "README.md").write_text(SCAFFOLD_README)
    app = step / SRC_APP
    app.write_text(app.read_text().replace('STEP = "step-5-larger-project"', f'STEP = "{SCAFFOLD}"'))
    dockerfile = step / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + HEALTHCHECK)
    series = copy / "tools" / "series.py"
    series.write_text(re.sub(
        r"^STEPS = \[(.*)\]$",
        rf'EXTRA_7 = lesson(STEP_5, "{SCAFFOLD}", summary="step 5 with a health check", healthcheck=True)\n'
        r"STEPS = [\1, EXTRA_7]", series.read_text(), count=1, flags=re.M,
    ))
    (copy / "workshop" / "tasks" / f"{SCAFFOLD}.md").write_text(SCAFFOLD_TASK)
    subprocess.run(["git", "init", "--quiet"], cwd=copy, check=True)
    subprocess.run(["git", "add", "--all"], cwd=copy, check=True)
    generated = subprocess.run([sys.executable, "-m", "tools.docs"], cwd=copy, capture_output=True, text=True)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    report = tmp_path / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "not docker", "-q", "-p", "no:cacheprovider",
         f"--junitxml={report}", "--deselect", f"tests/test_docs.py::{request.node.name}", "tests"],
        cwd=copy, capture_output=True, text=True, timeout=600,
    )
    failures = {
        case.get("name"): failure.get("message", "")
        for case in ElementTree.parse(report).iter("testcase")
        for failure in [*case.iter("failure"), *case.iter("error")]
    }
    needs_docker = (f"tools/measure --only {SCAFFOLD}", f"tools.proofs --step {SCAFFOLD}")
    other = {name: message[:300] for name, message in failures.items()
             if not any(command in message for command in needs_docker)}
    assert failures and not other, f"a new step needs more than the guide says: {other}"
