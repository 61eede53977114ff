"""The workshop kit: every exercise is fair, and WORKSHOP.md's timetable is current and adds up.

An exercise is fair when its untouched starting point fails the check, and fails it
naming the lesson. That the reference folder, the exercise's solution, passes the same
check is the rest of tests/: it holds each folder to the expectations that
`python3 -m tools.workshop check` holds an attendee's copy to.
"""

import json
import math
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from lessons import exercise_tests, lesson_facts
from tools import docker_cli, proofs, workshop
from tools.scoreboard import data as scoreboard_data
from tools.series import FINAL, SRC_APP, STEP_2, STEP_4, STEPS, WORKSHOP_CORE, Step, starting_point
from tools.workshop import doctor, rehearse, room, timetable

TESTS = Path(__file__).parent

is_exercise = pytest.mark.applies_to("builds_on")


def promised_failure(step: Step) -> str:
    promise = workshop.promised_failure(step)
    assert promise, (
        f"{workshop.task_path(step).relative_to(workshop.REPO)} must say, before its host notes, what the untouched "
        "check fails with: a line `Untouched, the check fails with `PHRASE``"
    )
    return promise


def contents(folder: Path) -> dict[str, bytes]:
    """Each file's bytes by its path in `folder`, leaving out __pycache__."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@is_exercise
def test_exercise_fails_until_the_lesson_is_done(step):
    """The untouched exercise fails a test of its lesson's facts, with the words its task promises.

    `python -m tools.proofs` records those tests' outcomes on a prepared copy in docs/proofs.json;
    this tells a stale record and asks for a failure whose message holds the promise.
    """
    assert exercise_tests(step), (
        f"no test reads the facts in which {step.name} differs from {starting_point(step).name} "
        f"({sorted(lesson_facts(step))}): nothing could tell an attendee the lesson is missing"
    )
    problem = proofs.exercise_problem(step, proofs.load(), promised_failure(step))
    assert problem is None, problem


@is_exercise
def test_every_exercise_has_a_task_with_host_notes(step, tmp_path):
    """A prepared copy carries the task as its README: with the stretch goal, without the host notes.
    Those are for the facilitator: objective, demo, discussion, two mistakes with the check's words,
    a stretch goal and the work time the timetable counts."""
    path = workshop.task_path(step)
    task = path.relative_to(workshop.REPO)
    assert path.is_file(), f"{step.name} is an exercise, but {task} does not exist"
    text = path.read_text()
    assert text.startswith("# ") and "**Goal.**" in text and "**What the check proves.**" in text, (
        f"{task}: a title, a **Goal.** and **What the check proves.**"
    )
    promised_failure(step)
    fields = timetable.host_note_fields(step)
    readme = (workshop.prepare(step, tmp_path / step.name) / "README.md").read_text()
    assert readme == workshop.attendee_text(step)
    assert readme.startswith("# Exercise") and "Untouched, the check fails with" in readme, step.name
    assert "For the host" not in readme, step.name
    assert fields.get("Stretch goal", "") in readme, f"{step.name}: the stretch goal is for attendees too"
    wanted = ["Objective", "Demo (2 minutes)", "Discussion", "Likely mistakes", "Stretch goal", "Work time"]
    missing = [name for name in wanted if not fields.get(name)]
    assert not missing, f"{task}: the section `## For the host` lacks **{'.**, **'.join(missing)}.**"
    assert fields["Objective"].count(". ") == 0 and fields["Objective"].endswith("."), (
        f"{task}: the objective is one sentence"
    )
    assert timetable.work_minutes(step), f"{task}: **Work time.** starts with `N minutes`"
    mistakes = timetable.mistakes(step)
    assert len(mistakes) == 2, f"{task}: two numbered likely mistakes, found {len(mistakes)}"
    # What the check prints comes from the suite's and the tools' own messages.
    sources = "\n".join(path.read_text() for path in [*TESTS.glob("*.py"), *(workshop.REPO / "tools").rglob("*.py")])
    for text, message in mistakes:
        assert message, f"{task}: say what the check prints for: {text[:80]}"
        assert message in sources, f"{task}: the check never prints `{message}`: quote a message of tests/ or tools/"


@is_exercise
def test_the_model_answer_shows_every_change_the_lesson_makes(step, tmp_path):
    start, reference = tmp_path / "start", tmp_path / "reference"
    workshop.copy_as(starting_point(step), step, start)
    workshop.copy_app(step, reference)
    before, after = contents(start), contents(reference)
    changed = {name for name, data in after.items() if before.get(name) != data} - {"README.md"}
    answer = workshop.model_answer(step)
    shown = set(re.findall(r"^\+\+\+ b/(.+)$", answer, re.M))
    assert changed and shown == changed, (
        f"{step.name}: the answer shows {sorted(shown)}, the lesson changes {sorted(changed)}"
    )
    gone = sorted(name for name in before if not (reference / name).exists())
    named = re.search(r"^# Not in the reference folder: (.+)$", answer, re.M)
    assert (named.group(1).split(", ") if named else []) == gone, f"{step.name}: {named}, not {gone}"


def test_a_check_from_the_exercise_folder_finds_its_exercise(tmp_path, monkeypatch):
    step = workshop.exercises()[-1]
    monkeypatch.setattr(workshop, "WORK", tmp_path)
    (tmp_path / step.name / "src").mkdir(parents=True)
    assert workshop.exercise_here(tmp_path / step.name / "src") == step
    assert workshop.exercise_here(tmp_path) is None
    assert workshop.exercise_here(workshop.REPO) is None
    # By path, as an attendee runs it from there: the kit finds the repository by itself.
    listed = subprocess.run(
        [sys.executable, str(workshop.REPO / "tools" / "workshop"), "list"],
        cwd=tmp_path / step.name, capture_output=True, text=True, timeout=60,
    )
    assert listed.returncode == 0 and step.name in listed.stdout, listed.stderr


@pytest.mark.parametrize("name", [workshop.exercises()[0].name, "step-5-larger-project"])
def test_a_prepared_copy_answers_as_the_step_and_solving_it_puts_the_reference_in_place(name, tmp_path):
    step = workshop.exercise(name)
    before = starting_point(step)
    copy = workshop.prepare(step, tmp_path / "copy")
    source = (copy / before.app_source).read_text()
    assert f'STEP = "{step.name}"' in source
    assert source.replace(step.name, before.name) == (before.path / before.app_source).read_text()
    assert not list(copy.rglob("__pycache__"))
    with pytest.raises(FileExistsError):
        workshop.prepare(step, copy)
    (copy / "attendee.txt").write_text("work in progress\n")
    workshop.prepare(step, copy, force=True)
    assert not (copy / "attendee.txt").exists()
    (copy / "attendee.txt").write_text("work in progress\n")
    workshop.solve(step, copy)
    assert contents(copy) == contents(step.path)


def test_every_lesson_is_an_exercise():
    """The final result's lessons and any new lesson folder included."""
    assert [step.name for step in workshop.exercises()] == [step.name for step in STEPS[1:]]


def test_an_exercise_on_the_final_result_copies_only_the_app(tmp_path, monkeypatch):
    """A lesson that builds on the root (extra 4) starts from the app, not the whole series."""
    monkeypatch.setattr(workshop, "TASKS", tmp_path / "tasks")
    workshop.TASKS.mkdir()
    later = Step(folder="extra-9-later", builds_on="final", app_source=SRC_APP)
    workshop.task_path(later).write_text("# Exercise: later\n\nUntouched, the check fails with `x`.\n")
    copy = workshop.prepare(later, tmp_path / "copy")
    names = {path.name for path in copy.iterdir()}
    assert {"Dockerfile", "docker-compose.yml", "pyproject.toml", "src"} <= names
    series = {"tests", "tools", "docs", "workshop", ".git", *workshop.ROOT_SERIES_FILES, *(s.folder for s in STEPS)}
    leaked = names & series
    assert not leaked, f"the series leaked into the exercise's copy: {sorted(leaked)}"
    assert f'STEP = "{later.name}"' in (copy / SRC_APP).read_text()


def test_the_agendas_add_up():
    timings, scoreboard = timetable.load_timings(), scoreboard_data.load()
    text = timetable.guide_section(timings, scoreboard)
    slots = {step.name: timetable.slot(step, timings, scoreboard) for step in workshop.exercises()}
    for title, budget in {"Two hours": timetable.TWO_HOURS, "Half a day": timetable.HALF_DAY}.items():
        section = text.split(f"### {title}\n")[1].split("\n### ")[0]
        rows = [(int(h) * 60 + int(m), int(n) if n else None, what)
                for h, m, n, what in re.findall(r"^\| (\d+):(\d\d) \|\s*(\d*)\s*\| (.*) \|$", section, re.M)]
        assert rows and rows[0][0] == 0, title
        for (start, minutes, what), (following, _, _) in zip(rows, rows[1:], strict=False):
            assert start + minutes == following, f"{title}: {what} starts at {start} for {minutes} minutes"
        end, _, last = rows[-1]
        total = sum(minutes for _, minutes, _ in rows[:-1])
        assert end == total and f"end: {total} minutes in all" in last, title
        assert total <= budget, f"{title}: the plan takes {total} minutes, more than {budget}"
        whats = " ".join(what for _, _, what in rows)
        assert all(bit in whats for bit in ("introduction", "setup", "live demo of step 1", "break", "wrap-up")), title
        for _, minutes, what in rows:
            if named := [name for name in slots if f"[{name}](" in what and what.startswith("[")]:
                s = slots[named[0]]
                assert minutes == s.block == timetable.EXERCISE_DEMO + s.minutes + timetable.DISCUSSION, what
                assert s.minutes == s.work + math.ceil(sum(s.checks_s) / 60), what
    half_day = text.split("### Half a day\n")[1]
    left_out = re.search(r"Left out for time, the longest first: ([^.]+)\.", half_day)
    left_out = left_out.group(1).split(", ") if left_out else []
    assert all(f"[{name}](" in half_day or name in left_out for name in slots), "the half day names every exercise"
    assert not {step.name for step in WORKSHOP_CORE} & set(left_out), "the core lessons are never left out"


def test_the_timetable_says_where_each_time_comes_from():
    step = workshop.exercises()[1]
    rehearsed = {"exercises": {step.name: {
        "rehearsed": "2030-01-02T03:04:05Z", "ok": True,
        "machine": {"os": "Linux", "arch": "x86_64", "cpus": 4, "base_images": "Docker Hub"},
        "untouched": {"exit": 1, "seconds": 60.0},
        "check_cold": {"exit": 0, "seconds": 150.0}, "check_warm": {"exit": 0, "seconds": 30.0},
    }}}
    text = timetable.guide_section(rehearsed, scoreboard_data.load())
    [row] = [line for line in text.splitlines() if line.startswith(f"| [{step.name}]")]
    assert "rehearsed 2030-01-02" in row and row.endswith(f"| {timetable.work_minutes(step) + 4} min |"), row
    others = [s.name for s in workshop.exercises() if s is not step]
    assert f"rehearse {' '.join(others)}`" in text, "the command that rehearses the rest"
    broken = {"exercises": {step.name: {**rehearsed["exercises"][step.name], "ok": False}}}
    assert "rehearsed 2030" not in timetable.guide_section(broken, scoreboard_data.load())


def test_a_partial_rehearsal_keeps_the_other_records(tmp_path, monkeypatch):
    data = tmp_path / "workshop-timings.json"
    monkeypatch.setattr(timetable, "TIMINGS_DATA", data)
    monkeypatch.setattr(rehearse, "TIMINGS_DATA", data)
    rehearse.record({"step-3-basic-improvements": {"ok": True}})
    rehearse.record({"step-5-larger-project": {"ok": False}})
    rehearse.record({"step-3-basic-improvements": {"ok": False}})
    assert json.loads(data.read_text())["exercises"] == {
        "step-3-basic-improvements": {"ok": False}, "step-5-larger-project": {"ok": False},
    }


def test_doctor_reports_every_docker_free_check_with_fixes():
    lines = []
    results = doctor.report(docker=False, out=lines.append)
    names = [result.name for result in results]
    for wanted in ("Python", "git", "Poetry", "pipenv", "pre-commit", "package index", "port 8000", "disk space"):
        assert wanted in names, f"doctor does not check {wanted}"
    for result in results:
        assert any(result.name in line and result.detail in line for line in lines), result
        assert result.ok is True or result.fix, f"{result.name} fails without a fix"
    text = "\n".join(lines)
    assert text.count("fix: ") == sum(result.ok is not True and bool(result.fix) for result in results)


def test_doctor_says_how_to_install_missing_tools(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing to find
    poetry = doctor.check_poetry()
    assert poetry.ok is False and "pipx install poetry==" in poetry.fix and "poetry-plugin-export==" in poetry.fix
    for name in ("pipenv", "pre-commit"):  # an elective's tool: a warning, not a failure
        result = doctor.check_tool(name, "a reason")
        assert result.ok is None and f"pipx install {name}" in result.fix
    assert doctor.check_git().ok is False
    engine = doctor.check_docker()
    assert engine.ok is False and "install Docker" in engine.fix


@pytest.mark.parametrize(
    ("engine", "built_for"), [("x86_64", "as the scoreboard's machine"), ("aarch64", "linux/arm64")]
)
def test_doctor_says_what_an_arm64_laptop_builds(monkeypatch, engine, built_for):
    answered = subprocess.CompletedProcess([], 0, f"{engine}\n", "")
    monkeypatch.setattr(doctor, "run", lambda *command, **options: answered)
    result = doctor.check_architecture()
    assert result.ok and engine in result.detail and built_for in result.detail, result


def test_an_older_python_is_told_what_to_install():
    """macOS ships Python 3.9: the tools stop it with the fix, before anything fails to import."""
    pretend = "import sys; sys.version_info = (3, 9, 6, 'final', 0); import tools.workshop.doctor"
    process = subprocess.run([sys.executable, "-c", pretend], cwd=workshop.REPO, capture_output=True, text=True)
    assert process.returncode == 1 and "Traceback" not in process.stderr, process.stderr
    assert "Python 3.9.6 is too old" in process.stderr and "3.11 or newer" in process.stderr, process.stderr


# A real Python 3.9, as macOS ships it: Debian bullseye's, where it is an offline stand-in.
OLD_PYTHON = "python:3.9-slim"


def test_doctor_on_a_real_python_3_9_says_what_to_install():
    if reason := docker_cli.unreachable_reason():
        pytest.skip(f"Docker is needed: {reason}")
    # Not a base of the series, so fetched here: a workshop's check, which skips this module, needs none.
    fetched = subprocess.run(["bash", "tools/standins/build.sh", OLD_PYTHON], cwd=workshop.REPO,
                             capture_output=True, text=True, timeout=1200)
    assert fetched.returncode == 0, f"{OLD_PYTHON} could neither be pulled nor built:\n{fetched.stderr[-2000:]}"
    process = subprocess.run(
        ["docker", "run", "--rm", "--label", f"{docker_cli.LABEL}=1", "--volume", f"{workshop.REPO}:/repo:ro",
         "--workdir", "/repo", "--env", "PYTHONDONTWRITEBYTECODE=1", OLD_PYTHON,
         "python3", "-m", "tools.workshop", "doctor"],
        capture_output=True, text=True, timeout=120,
    )
    assert process.returncode == 1 and "Traceback" not in process.stderr, process.stderr
    assert re.search(r"Python 3\.9\.\d+ is too old", process.stderr), process.stderr
    assert "install Python 3.11 or newer" in process.stderr, process.stderr


@pytest.mark.parametrize(("document", "recipe"), [
    (workshop.GUIDE, r"`docker save ([^`]+) -o bases\.tar`"),
    (workshop.WORKSHOP / "prework.md", r"^for image in ([^;]+); do\n\s+docker pull"),
], ids=["saved", "pulled"])
def test_the_bases_saved_and_pulled_are_every_base_doctor_checks(document, recipe):
    listed = re.search(recipe, document.read_text(), re.M)
    assert listed and sorted(listed.group(1).split()) == sorted(doctor.base_images()), (
        f"{document.name}'s `{recipe}` should list {doctor.base_images()}, not {listed and listed.group(1).split()}"
    )


def _distribution(file: str) -> str:
    """A wheel's or source archive's project name, normalized (PEP 503)."""
    return re.sub(r"[-_.]+", "-", re.split(r"-\d", file, maxsplit=1)[0]).lower()


def test_serve_fetches_each_package_once_and_each_image_on_its_first_pull_only(scratch_tag, tmp_path):
    """`serve` on 127.0.0.1; two copies of step 4's folder (the exercise's model answer) built
    through its package cache, and an image pulled twice through its registry from an upstream
    registry of the test's own (Docker Hub, its default upstream, is not reachable everywhere)."""
    name = f"dockerizing-python-test-room-{uuid.uuid4().hex[:8]}"
    volumes_before = set(docker_cli.docker("volume", "ls", "--quiet").split())
    index_port, registry_port = docker_cli.free_port(), docker_cli.free_port()
    docker_cli.docker("network", "create", "--label", f"{docker_cli.LABEL}=1", name)
    upstream = docker_cli.Container(docker_cli.docker(
        "run", "--detach", "--label", f"{docker_cli.LABEL}=1", "--network", name, "--network-alias", "upstream",
        "--publish", "127.0.0.1::5000", "registry:2"), None)
    serving = None
    try:
        pushed = f"127.0.0.1:{docker_cli.docker('port', upstream.id, '5000/tcp').rsplit(':', 1)[1]}/library/tiny:1"
        docker_cli.wait_for(lambda: docker_cli.answers_200(f"http://{pushed.split('/')[0]}/v2/"),
                            "the upstream registry answering", 30, container=upstream, ignoring=(OSError,))
        (tmp_path / "tiny").mkdir()
        (tmp_path / "tiny" / "Dockerfile").write_text("FROM scratch\nCOPY Dockerfile /\n")
        docker_cli.build(tmp_path / "tiny", pushed)
        docker_cli.docker("push", pushed)
        docker_cli.remove_image(pushed)

        serving = subprocess.Popen(
            [sys.executable, "-m", "tools.workshop", "serve", "--listen", "127.0.0.1", "--name", name,
             "--index-port", str(index_port), "--registry-port", str(registry_port),
             "--upstream-registry", "http://upstream:5000"],
            cwd=workshop.REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        said = []
        for line in serving.stdout:  # it builds its image first: minutes on a cold machine
            said.append(line)
            if line.startswith("Ctrl-C stops it."):
                break
        assert said and said[-1].startswith("Ctrl-C"), "serve did not start:\n" + "".join(said)
        assert not any("No base images" in line for line in said), "".join(said)
        assert f"python3 -m tools.workshop room http://127.0.0.1:{index_port}/index/" in "".join(said)

        mirrored = f"127.0.0.1:{registry_port}/library/tiny:1"
        fetched_blobs = []
        for _ in range(2):
            docker_cli.docker("pull", mirrored)
            docker_cli.remove_image(mirrored)
            fetched_blobs.append(re.findall(r'"GET /v2/library/tiny/blobs/(sha256:\w+)', upstream.logs(lines="all")))
        # Registry 2.8 fetches a blob twice on its first pull (once for the client, once for
        # its own store); a second pull fetches none.
        assert fetched_blobs[0] and fetched_blobs[1] == fetched_blobs[0], f"blobs fetched upstream: {fetched_blobs}"

        room_ = room.Room(name, "127.0.0.1", index_port, registry_port,
                          index=docker_cli.Container(f"{name}-index", None))
        folders = [tmp_path / f"copy-{n}" for n in range(2)]
        for folder in folders:
            workshop.copy_app(STEP_4, folder)
        tag = scratch_tag()
        first, second = room.build_through(room_, STEP_4, folders, tag)
        fetched = room_.upstream_downloads()
        assert second["files"] == first["files"] > 0, f"downloads through the cache: {first}, {second}"
        assert first["redirected"] == second["redirected"] == 0, "the cache sent a laptop upstream"
        assert fetched, "no build downloaded through the cache"
        assert len(fetched) == len(set(fetched)), "a file was fetched upstream twice"
        assert second["upstream_files"] == first["upstream_files"], "the second copy fetched files upstream"
        pins = re.findall(r"^([A-Za-z0-9][\w.-]*)==", docker_cli.docker("run", "--rm", tag, "cat", "requirements.txt"),
                          re.M)
        served = {_distribution(file) for file, status in room_.served() if status == 200}
        missing = {_distribution(pin) for pin in pins} - served
        assert pins and not missing, f"installed without the cache: {sorted(missing)}"
        # uv and pipenv read it too: step 2's alternatives install fastapi through it.
        workshop.copy_app(STEP_2, tmp_path / "alternatives")
        for target in ("uv", "pipenv"):
            before = len(room_.served())
            room.build_through(room_, STEP_2, [tmp_path / "alternatives"], tag, "alternatives.Dockerfile", target)
            served = {_distribution(file) for file, status in room_.served()[before:] if status == 200}
            assert "fastapi" in served, f"{target} installed without the cache: served {sorted(served)}"
        problems = docker_cli.log_problems(room_.index.logs(lines="all"))
        assert not problems, f"the package cache's log: {problems[:5]}"

        # What an attendee runs: `room` replaces a base in place, `room --leave` puts it back.
        base = scratch_tag()
        docker_cli.docker("tag", STEP_4.base, base)
        before = docker_cli.image_id(base)
        assert room.use(room.checked_index_url(room_.index_url), [base]) == [base]
        environment = docker_cli.image_config(base)["Env"]
        assert f"PIP_INDEX_URL={room_.index_url}" in environment, environment
        wrapped = docker_cli.image_id(base)
        assert room.leave([base]) == ([base], [])
        assert docker_cli.image_id(base) == before
        left = docker_cli.image_id(wrapped)
        assert not left, f"room --leave left its build of {base} behind: {left}"
    finally:
        said_at_stop = ""
        if serving:
            serving.send_signal(signal.SIGINT)
            try:
                said_at_stop = serving.communicate(timeout=60)[0]
            except subprocess.TimeoutExpired:
                serving.kill()
                said_at_stop = serving.communicate()[0] + "\n(serve had not stopped 60 s after Ctrl-C)"
        upstream.remove()
        docker_cli.docker("network", "rm", name, check=False)
    assert re.search(r"the cache fetched (\d+) files upstream \(\1 different\)", said_at_stop), said_at_stop
    assert docker_cli.docker("ps", "--all", "--quiet", "--filter", f"name={name}-") == "", "serve left containers"
    left = set(docker_cli.docker("volume", "ls", "--quiet").split()) - volumes_before
    assert not left, f"serve left volumes: {left}"


def test_the_final_result_built_through_the_room_cache_keeps_no_download(scratch_tag, tmp_path):
    """The cache answers with an ETag, as PyPI does, and so lets pip keep what it downloads (the suite's
    own index does not: there an image without pip's cache proves nothing). The final must keep no file
    under /root/.cache in the image, where pip's cache would hold the wheel of uv it downloads."""
    name = f"dockerizing-python-test-room-{uuid.uuid4().hex[:8]}"
    room_ = room.start(listen="127.0.0.1", name=name, index_port=docker_cli.free_port(),
                       registry_port=docker_cli.free_port())
    try:
        workshop.copy_app(FINAL, tmp_path / "final")
        tag = scratch_tag()
        room.build_through(room_, FINAL, [tmp_path / "final"], tag)
        assert room_.served(), "the final result built without the cache"
        kept = docker_cli.docker("run", "--rm", "--user", "0", "--entrypoint", "find", tag, "/root",
                                 "-path", "/root/.cache/*", "-type", "f")
        assert not kept, f"the final result keeps downloads in its image:\n{kept}"
    finally:
        room_.stop()


def test_the_guide_links_the_prework_first_and_names_the_room_cache_as_it_runs():
    guide = workshop.GUIDE.read_text()
    assert "](workshop/prework.md)" in guide.split("\n## ")[0], f"{workshop.GUIDE.name} should link the pre-work first"
    pinned = re.search(r"^proxpi==([\w.]+)", (room.CACHE_FILES / "index-requirements.txt").read_text(), re.M)
    variables = re.findall(r"(?:ENV|\\)\s+(\w+)=", (room.CACHE_FILES / "base.Dockerfile").read_text())
    wanted = [f":{room.INDEX_PORT}/index/", f":{room.REGISTRY_PORT}", f"proxpi/) {pinned.group(1)}", *variables]
    missing = [text for text in wanted if text not in guide]
    assert variables and not missing, f"{workshop.GUIDE.name} does not say {missing}"
    assert room.INDEX_IMAGE.endswith(f"proxpi-{pinned.group(1)}"), room.INDEX_IMAGE
