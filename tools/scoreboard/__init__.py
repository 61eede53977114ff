"""The scoreboard: every image of the series built, run and measured, never typed.

    python -m tools.scoreboard            # or `bash tools/measure`, which sets up matplotlib

images.py says which images are measured and measure.py measures one, phase by phase:
builds.py (with lock_bump.py), image_facts.py, running.py and throughput.py, each within
the image's time (deadline.py) in a session.py whose scratch.py is cleaned up after; a
failure is recorded through redact.py. environment.py describes the machine, data.py keeps
the results in docs/scoreboard.json, render.py turns that JSON into Markdown (a pure
function, so a test re-renders the committed JSON and compares), chart.py draws
docs/scoreboard.png and cli.py ties them together. Only chart.py needs a package outside
the standard library.
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
# The server rows (the final and its variants): workers retiring under load, and a
# request whose one header is far over any server's limit.
RECYCLE_AFTER, RECYCLE_LOAD_S = 100, 5
OVERSIZED_HEADER_BYTES = 100_000
# Workers for the stop-during-boot sample, so that some still boot when the first answers.
BOOTING_WORKERS = 4
