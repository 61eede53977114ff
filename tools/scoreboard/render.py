"""Markdown from docs/scoreboard.json and nothing else: the same JSON renders the same text.

A test re-renders the committed JSON and compares it with the READMEs, so nothing here may
read the clock, the machine or the files of the series. Entries measured before a column
existed lack its field and show "—".
"""

from tools.durations import duration
from tools.scoreboard import (
    BOOTING_WORKERS,
    LOAD_CONNECTIONS,
    LOAD_S,
    LOAD_THREADS,
    LOAD_WORKERS,
    OVERSIZED_HEADER_BYTES,
    RECYCLE_AFTER,
    RECYCLE_LOAD_S,
    WARM_UP_S,
)

GIB = 1024**3
MISSING = "—"
HEADER = (
    "image", "base", "size", "added over base", "layers (added)", "cold build",
    "rebuild from scratch, cache mounts warm", "rebuild, no change", "rebuild, app change",
    "app change reinstalls dependencies", "rebuild, one dependency changed (packages downloaded)", "build context",
    "start-up", "`docker stop`",
    f"throughput (req/s, {LOAD_WORKERS} workers)", "user", "workers", "healthcheck",
)


def human_bytes(count: int) -> str:
    """Decimal units, as `docker images` prints them."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(count) >= size:
            value = count / size
            digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
            return f"{value:.{digits}f} {unit}"
    return f"{count} B"


def median_time(timing: dict | None) -> str:
    return MISSING if timing is None else duration(timing["median"])


def throughput(entry: dict) -> str:
    measured = entry.get("throughput_rps")
    if measured is None:
        return MISSING
    errors = sum(measured["http_errors"]) + sum(measured["socket_errors"])
    return f"{measured['median']:,.0f}" + (f" ({errors:,} errors)" if errors else "")


def lock_change(entry: dict) -> str:
    """Seconds, and the most packages any run downloaded ("?" where the log does not say)."""
    timing = entry.get("lock_change_rebuild_s")
    if timing is None:
        return MISSING
    counts = entry.get("lock_change_downloads") or [None]
    downloaded = "?" if None in counts else f"{max(counts):,}"
    return f"{median_time(timing)} ({downloaded})"


def yes_no(value) -> str:
    return MISSING if value is None else "yes" if value else "no"


def label(entry: dict, linked: bool, repo: str, root_readme: str) -> str:
    """How a table names an image: the step (linked from the overview) and the variant."""
    if not linked:
        where = f"`{entry['dockerfile']}`" + (f", target `{entry['target']}`" if entry["target"] else "")
        return f"{entry['variant']} ({where})" if entry["variant"] else where
    step = entry["step"]
    name = f"[final result]({root_readme}#final-result)" if step == "final" else f"[{step}]({repo}{step}/README.md)"
    return name + (f": {entry['variant']}" if entry["variant"] else "")


def row(entry: dict, linked: bool, repo: str, root_readme: str) -> list[str]:
    cells = [label(entry, linked, repo, root_readme), f"`{entry['base']['image']}`" if "base" in entry else MISSING]
    if entry["status"] != "ok":
        return [*cells, f"**failed** ({entry['phase']})"] + [MISSING] * (len(HEADER) - len(cells) - 1)
    uid, name = entry["user"]["uid"], entry["user"]["name"]
    return cells + [
        human_bytes(entry["size_bytes"]),
        f"+{human_bytes(entry['added_bytes'])}",
        f"{entry['layers']} (+{entry['added_layers']})",
        median_time(entry["cold_build_s"]),
        median_time(entry.get("rebuild_warm_cache_mounts_s")),
        median_time(entry["noop_rebuild_s"]),
        median_time(entry["code_change_rebuild_s"]),
        yes_no(entry["code_change_reinstalls_dependencies"]),
        lock_change(entry),
        human_bytes(entry["context_bytes"]),
        median_time(entry["startup_s"]),
        median_time(entry["stop_s"]),
        throughput(entry),
        f"{name} ({uid})" if name else f"uid {uid}",
        str(entry["workers"]),
        yes_no(entry["healthcheck"]),
    ]


def markdown_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(cells) + " |" for cells in (header, *rows)]
    return "\n".join([lines[0], "|" + " --- |" * len(header), *lines[1:]]) + "\n"


def table(entries: list[dict], linked: bool, repo: str = "", root_readme: str = "") -> str:
    return markdown_table(HEADER, [row(entry, linked, repo, root_readme) for entry in entries])


def machine(run: dict) -> str:
    facts = run["machine"]
    text = f"{facts['os']} {facts['arch']}, {facts['cpus']} CPUs"
    if facts.get("cpu"):
        text += f" ({facts['cpu']})"
    if facts.get("memory_bytes"):
        text += f", {facts['memory_bytes'] / GIB:.0f} GiB of memory"
    return text


def bases(entries: list[dict], root_readme: str) -> str:
    """The base images, and whether each was an offline stand-in or pulled."""
    found = dict(sorted((e["base"]["image"], e["base"]["standin"]) for e in entries if "base" in e))
    parts = []
    for standin, kind in ((True, "offline stand-in"), (False, "pulled")):
        names = [f"`{image}`" for image, flag in found.items() if flag == standin]
        if names:
            link = f", see [Without Docker Hub]({root_readme}#without-docker-hub)" if standin else ""
            parts.append(f"{', '.join(names)} ({kind}{'s' if len(names) > 1 else ''}{link})")
    return " and ".join(parts) or MISSING


def setting(run: dict) -> str:
    """The machine and Docker a run measured on: what makes two runs comparable."""
    return (
        f"on {machine(run)}, with Docker Engine {run['docker']['engine']} and Docker Compose "
        f"{run['docker']['compose']}; "
        + (f"times are medians of {run['repeat']} runs" if run["repeat"] > 1 else "times are from a single run")
    )


def dates(run_ids: list[str]) -> str:
    days = sorted({run_id[:10] for run_id in run_ids})
    return f"on {days[0]}" if len(days) == 1 else f"between {days[0]} and {days[-1]}"


def about(data: dict, entries: list[dict], json_link: str, root_readme: str) -> str:
    """When, on what and from which base images `entries` were measured."""
    groups: dict[str, list[str]] = {}  # runs on the same machine and Docker, together
    for run_id in dict.fromkeys(entry["run"] for entry in entries):
        groups.setdefault(setting(data["runs"][run_id]), []).append(run_id)
    samples = f"every sample, with min and max, is in [scoreboard.json]({json_link})"
    if len(groups) == 1:
        ((described, run_ids),) = groups.items()
        return f"Measured {dates(run_ids)} {described}; base images: {bases(entries, root_readme)}; {samples}.\n"
    lines = [f"Measured on {len(groups)} different setups ({samples}):", ""]
    for described, run_ids in groups.items():
        measured = [entry for entry in entries if entry["run"] in run_ids]
        names = ", ".join(entry["key"] for entry in measured)
        lines.append(f"- {names}: {dates(run_ids)} {described}; base images: {bases(measured, root_readme)}.")
    return "\n".join(lines) + "\n"


def not_measured(what: str) -> str:
    return f"_Not measured yet: run `bash tools/measure{what}` from the repository root._\n"


def measuring_time(entries: list[dict]) -> str:
    total = sum(entry.get("measure_s", 0) for entry in entries)
    count = f"{len(entries)} image{'s' if len(entries) != 1 else ''}"
    return f"Measuring {count} took {duration(total, 'words')}.\n"


def overview(data: dict, repo: str, root_readme: str, chart: str, json_link: str) -> str:
    entries = data["images"]
    if not entries:
        return not_measured("")
    return "\n".join([
        about(data, entries, json_link, root_readme),
        measuring_time(entries),
        table(entries, linked=True, repo=repo, root_readme=root_readme),
        f"![Size added over the base image, cold, lock-change and app-change build times, and throughput, "
        f"per image]({chart})\n",
    ])


def root_section(data: dict) -> str:
    """The root README's measured section: every image, the machine, the chart."""
    return overview(data, "", "", "docs/scoreboard.png", "docs/scoreboard.json")


def step_section(data: dict, step: str, beside: str = "") -> str:
    """A step README's measured section: its own image(s), and `beside`'s main image if named."""
    entries = [entry for entry in data["images"] if entry["step"] == step]
    if not entries:
        return not_measured(f" --only {beside} --only {step}" if beside else f" --only {step}")
    compared = ""
    if beside:
        other = next((entry for entry in data["images"] if entry["key"] == beside), None)
        ours = next(entry for entry in entries if entry["variant"] is None)
        compared = "\n" + side_by_side(ours, other, step, beside)
        if other is not None and other["run"] == ours["run"]:
            entries = [other, *entries]
    labelled = len({entry["step"] for entry in entries}) > 1
    return "\n".join([
        about(data, entries, "../docs/scoreboard.json", "../README.md"),
        table(entries, linked=labelled, repo="../", root_readme="../README.md") + compared,
        "Every step side by side: [Measured](../README.md#measured); what each column means: "
        "[the scoreboard](../docs/scoreboard.md).\n",
    ])


def _compared(what: str, ours: dict, theirs: dict, shown: tuple[str, str], more: str, less: str, unit="") -> str:
    """One figure of two images as shown, ours against theirs to a percent ("30 % less") unless
    equal as shown, and whether every sample of one lies beyond every sample of the other."""
    change = (ours["median"] - theirs["median"]) / theirs["median"] * 100 if theirs["median"] else 0
    how = "equal as shown" if shown[0] == shown[1] or not round(change) else (
        f"{abs(change):.0f} % {more if change > 0 else less}"
    )
    if ours["min"] <= theirs["max"] and theirs["min"] <= ours["max"]:
        spread = "the samples overlap: this run cannot tell the two apart"
    else:
        counts = {len(ours["samples"]), len(theirs["samples"])}
        each = f"{counts.pop()} each" if len(counts) == 1 else " and ".join(map(str, sorted(counts)))
        spread = f"every sample of one lies beyond every sample of the other ({each})"
    return f"- **{what}**: {shown[0]} against {shown[1]}{unit} ({how}); {spread}."


def side_by_side(ours: dict, other: dict | None, step: str, beside: str) -> str:
    """Two images measured in the same run, compared in words from the figures alone."""
    again = f"`bash tools/measure --only {beside} --only {step}`"
    if other is None or other["run"] != ours["run"]:
        return f"_{beside} and {step} were not measured in the same run: run {again} to compare them._\n"
    if ours["status"] != "ok" or other["status"] != "ok":
        return f"_One of the two failed to measure: run {again} again._\n"
    lines = [f"Measured in the same run, `{ours['base']['image']}` against `{other['base']['image']}`:", ""]
    lines.append(
        f"- **size**: {human_bytes(ours['size_bytes'])} against {human_bytes(other['size_bytes'])}; "
        f"added over the base: {human_bytes(ours['added_bytes'])} against {human_bytes(other['added_bytes'])}."
    )
    for field, what in (("cold_build_s", "cold build"), ("startup_s", "start-up"), ("stop_s", "`docker stop`")):
        mine, theirs = ours[field], other[field]
        shown = (duration(mine["median"]), duration(theirs["median"]))
        lines.append(_compared(what, mine, theirs, shown, "longer", "shorter"))
    mine, theirs = ours.get("throughput_rps"), other.get("throughput_rps")
    if mine and theirs:
        shown = (throughput(ours), throughput(other))
        lines.append(_compared("throughput", mine, theirs, shown, "more", "fewer", " requests per second"))
    return "\n".join(lines) + "\n"


LEGEND = f"""\
What each column means:

- **size**, **added over base**, **layers (added)**: the image as `docker image inspect` reports
  it, and what it adds to its base image (base sizes differ between Docker Hub's images and
  offline stand-ins; what a step adds does not).
- **cold build**: `docker compose build --no-cache`, the base image already present, right
  after `docker builder prune --filter type=exec.cachemount` emptied BuildKit's cache mounts
  (`RUN --mount=type=cache`): what a new machine or CI runner pays. (BuildKit's `--no-cache`
  also runs with empty cache mounts; the prune makes sure of it.)
- **rebuild from scratch, cache mounts warm**: only for images whose Dockerfile has
  `--mount=type=cache` (— for the others, where it would equal the cold build): right after a
  cold build, the image is removed and the engine's layer cache dropped
  (`docker builder prune --all --filter type=regular`), then the image is built again. Every
  instruction runs, but the cache mounts hold what the cold build left in them: what a
  rebuild from scratch costs on a developer's machine. `--no-cache` cannot measure this, as
  it ignores the cache mounts too.
- **rebuild, no change**: the same build again, nothing changed.
- **rebuild, app change**: the build after appending one comment line to the app's source;
  **app change reinstalls dependencies** says whether that re-ran the dependency install
  (— where no instruction matches the step's install pattern).
- **rebuild, one dependency changed (packages downloaded)**: the build after one pinned
  dependency moves to its previous release, in a copy of the folder, as `poetry lock` and
  the export would write it (the same package in every lock: `idna`, which no
  `pyproject.toml` pins), right after the builds above, so cache mounts hold what they
  left. In brackets, how many packages the dependency install downloaded, read from pip's
  (`Downloading …`) or uv's (`Prepared N packages`) build log: 1 where only the changed
  package was fetched; "?" where the installer does not say (Poetry, pipenv); — where no
  lock file pins the package, or the image was measured before this column existed.
- **build context**: what BuildKit transferred as the build context.
- **start-up**: from `docker run` to the first HTTP 200 on `/`; **`docker stop`**: how long
  `docker stop` took (gunicorn shuts down on SIGTERM; Docker kills after 10 s).
- **throughput**: requests per second on `GET /`, measured with `wrk`
  (a load generator; Debian package `wrk`) on the same machine: the container runs with
  `WORKERS={LOAD_WORKERS}` in its environment (whatever the image's default), its port
  published on 127.0.0.1; a {WARM_UP_S}-second warm-up run, then
  `wrk -t{LOAD_THREADS} -c{LOAD_CONNECTIONS} -d{LOAD_S}s`, one sample per repeat, the table
  showing the median. wrk and the server share the machine's CPUs, so compare images measured
  together rather than numbers from different machines. "(N errors)" counts failed requests
  (socket errors, and answers 400 and above). The JSON keeps every sample, its errors and
  the 1-minute load average as it began; — where wrk was not installed or the image was
  measured before this column existed.
- **user**: the user of the server process (PID 1); **workers**: gunicorn workers at the
  image's defaults; **healthcheck**: whether the image declares one.

The final result's server rows (the root README's [Choosing the
server](../README.md#choosing-the-server)) add, from the same run:

- **`docker stop` right after a load**: the throughput sample's container, stopped as
  soon as wrk finished; **`docker stop` during boot**: a container started with
  `WORKERS={BOOTING_WORKERS}`, stopped as soon as `/` first answers, while other workers may
  still be importing the app.
- **failed requests while workers recycle**: a container with `MAX_REQUESTS={RECYCLE_AFTER}`
  under `wrk` for {RECYCLE_LOAD_S} s, so that workers retire and are replaced many times:
  the requests wrk counted as failed (socket errors and answers 400 and above), the
  median of the repeats. wrk keeps its connections open and does not retry, so a
  connection that a retiring worker closes between two requests counts too.
- **answer to a {OVERSIZED_HEADER_BYTES // 1000} kB header**: the status line's code for a request
  with one header of that size, or "closed" when the server closed the connection
  without an answer.
"""


def document(data: dict) -> str:
    """docs/scoreboard.md: the overview, with what each column means."""
    return (
        "# Scoreboard\n\n"
        "Every image of the series, built, run and measured by `bash tools/measure` "
        "(see [Measured](../README.md#measured)); generated from "
        "[scoreboard.json](scoreboard.json), do not edit by hand.\n\n"
        + overview(data, "../", "../README.md", "scoreboard.png", "scoreboard.json")
        + "\n"
        + LEGEND
    )


# The final result's server and the servers it was chosen over: the same app and image,
# one row each (the final's variants), with what tells servers apart.
SERVERS = {
    "final": "gunicorn, its ASGI worker, uvloop (the final)",
    "final:asgi-h1c": "the same, with gunicorn-h1c's C parser",
    "final:uvicorn-worker": "gunicorn, uvicorn's worker, uvloop and httptools",
    "final:plain-uvicorn": "`uvicorn --workers`, asyncio and h11",
}
SERVER_HEADER = (
    "server", f"throughput (req/s, {LOAD_WORKERS} workers)", "start-up", "`docker stop`",
    "`docker stop` right after a load", "`docker stop` during boot",
    f"failed requests while workers recycle (every {RECYCLE_AFTER} requests, {RECYCLE_LOAD_S} s of load)",
    f"answer to a {OVERSIZED_HEADER_BYTES // 1000} kB header", "added over base", "cold build",
)


def server_row(entry: dict) -> list[str]:
    recycled = entry.get("recycling")
    return [
        SERVERS[entry["key"]],
        throughput(entry),
        median_time(entry["startup_s"]),
        median_time(entry["stop_s"]),
        median_time(entry.get("stop_after_load_s")),
        median_time(entry.get("stop_during_boot_s")),
        MISSING if recycled is None else f"{recycled['median']:,.0f}",
        entry.get("oversized_header") or MISSING,
        f"+{human_bytes(entry['added_bytes'])}",
        median_time(entry["cold_build_s"]),
    ]


def servers_section(data: dict) -> str:
    """The root README's comparison of servers, from the final's rows."""
    measured = {entry["key"]: entry for entry in data["images"] if entry["status"] == "ok"}
    entries = [measured[key] for key in SERVERS if key in measured]
    if not entries:
        return not_measured(" --only final")
    rows = [server_row(entry) for entry in entries]
    return about(data, entries, "docs/scoreboard.json", "") + "\n" + markdown_table(SERVER_HEADER, rows)
