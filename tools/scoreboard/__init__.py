"""The scoreboard: every image of the series built, run and measured, never typed.

    python -m tools.scoreboard            # or `bash tools/measure`, which sets up matplotlib

measure.py builds and runs one image and says what it found, data.py keeps the results
in docs/scoreboard.json, render.py turns that JSON into Markdown (a pure function, so a
test re-renders the committed JSON and compares), chart.py draws docs/scoreboard.png and
cli.py ties them together. Only chart.py needs a package outside the standard library.
"""

from tools.series import REPO

DOCS = REPO / "docs"
JSON_PATH = DOCS / "scoreboard.json"
MARKDOWN_PATH = DOCS / "scoreboard.md"
CHART_PATH = DOCS / "scoreboard.png"

# How the throughput column is measured (measure.py runs it, render.py describes it).
LOAD_WORKERS = 2  # WORKERS in the container's environment
LOAD_THREADS, LOAD_CONNECTIONS = 1, 50  # wrk -t, -c
WARM_UP_S, LOAD_S = 2, 10
