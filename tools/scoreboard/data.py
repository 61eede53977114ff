"""docs/scoreboard.json: every run merged, one entry per image of the series, and what a
failure leaves in it made fit to publish."""

import json
import re
import statistics
from pathlib import Path

from tools.scoreboard import JSON_PATH

ABOUT = (
    "Written by `bash tools/measure` (python -m tools.scoreboard); do not edit by hand. "
    "Times in seconds: median of the run's repeats, with min, max and every sample."
)


def load(path: Path = JSON_PATH) -> dict:
    return json.loads(path.read_text()) if path.exists() else {"about": ABOUT, "runs": {}, "images": []}


def merge(data: dict, run_id: str, run: dict, measured: dict, keys: list[str]) -> dict:
    """`data` with the entry `measured` in run `run_id` replacing its own, in the series' order (`keys`):
    images no longer in the series are dropped, and so are runs no entry refers to."""
    by_key = {entry["key"]: entry for entry in data["images"]} | {measured["key"]: {**measured, "run": run_id}}
    images = [by_key[key] for key in keys if key in by_key]
    runs = {**data["runs"], run_id: run}
    used = {entry["run"] for entry in images}
    return {
        "about": ABOUT,
        "runs": {name: runs[name] for name in sorted(runs) if name in used},
        "images": images,
    }


# A list of numbers, which indent=2 would spread over one line per number.
_NUMBERS = re.compile(r"\[\s*((?:-?[\d.]+|null|true|false)(?:,\s*(?:-?[\d.]+|null|true|false))*)\s*\]")


def save(data: dict, path: Path = JSON_PATH) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_NUMBERS.sub(lambda m: "[" + re.sub(r",\s*", ", ", m[1]) + "]", text) + "\n")


def spread(samples: list[float]) -> dict:
    """The median a table shows, and the spread the JSON keeps."""
    return {
        "median": round(statistics.median(samples), 2),
        "min": round(min(samples), 2),
        "max": round(max(samples), 2),
        "samples": [round(sample, 2) for sample in samples],
    }


_URL_HOST = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s\"']+")
_LOOKUP = re.compile(r"\blookup [^\s:]+")
# A registry before an image name.
_REGISTRY = re.compile(r"(?<![\w./-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*(?::\d+)?/(?=\w)")
_ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b")
# A pytest run's own temporary folders (a test's tmp_path), which name the machine's user.
_PYTEST_TMP = re.compile(r"/[^\s'\"]*?/pytest-of-[^/\s]+/pytest-\d+/")


def redact(text: str, *paths: Path) -> str:
    """An error for the committed JSON: no host names, addresses or this machine's paths."""
    for path in paths:
        text = text.replace(str(path), f"<{path.name}>")
    text = _PYTEST_TMP.sub("<tmp>/", text)
    text = _URL_HOST.sub(r"\1<host>", text)
    text = _LOOKUP.sub("lookup <host>", text)
    text = _REGISTRY.sub("<registry>/", text)
    return _ADDRESS.sub("<address>", text)
