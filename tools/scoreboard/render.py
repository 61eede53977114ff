"""Markdown from docs/scoreboard.json and nothing else: a test re-renders the committed JSON and compares
it with the READMEs, so nothing here may read the clock, the machine or the files of the series. Entries
measured before a column existed lack its field and show "—"."""

from tools import scoreboard
from tools.durations import duration

GIB = 1024**3
MISSING = "—"
THROUGHPUT = f"throughput (req/s, {scoreboard.LOAD_WORKERS} workers)"


def human_bytes(count: int) -> str:
    """Decimal units, as `docker images` prints them."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(count) >= size:
            value = count / size
            digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
            return f"{value:.{digits}f} {unit}"
    return f"{count} B"


def median(field: str, show=duration):
    return lambda entry: MISSING if entry.get(field) is None else show(entry[field]["median"])


def throughput(entry: dict) -> str:
    measured = entry.get("throughput_rps")
    if measured is None:
        return MISSING
    errors = sum(measured["http_errors"]) + sum(measured["socket_errors"])
    return f"{measured['median']:,.0f}" + (f" ({errors:,} errors)" if errors else "")


def lock_change(entry: dict) -> str:
    """Seconds, and the most packages any run downloaded ("?" where the log does not say)."""
    seconds = entry.get("lock_change_rebuild_s")
    if seconds is None:
        return MISSING
    counts = entry.get("lock_change_downloads") or [None]
    downloaded = "?" if None in counts else f"{max(counts):,}"
    return f"{duration(seconds['median'])} ({downloaded})"


def yes_no(field: str):
    return lambda entry: MISSING if entry[field] is None else "yes" if entry[field] else "no"


def user(entry: dict) -> str:
    uid, name = entry["user"]["uid"], entry["user"]["name"]
    return f"{name} ({uid})" if name else f"uid {uid}"


# A measured image's cells, after its name and base image, by header.
COLUMNS = {
    "size": lambda entry: human_bytes(entry["size_bytes"]),
    "added over base": lambda entry: f"+{human_bytes(entry['added_bytes'])}",
    "layers (added)": lambda entry: f"{entry['layers']} (+{entry['added_layers']})",
    "cold build": median("cold_build_s"),
    "rebuild from scratch, cache mounts warm": median("rebuild_warm_cache_mounts_s"),
    "rebuild, no change": median("noop_rebuild_s"),
    "rebuild, app change": median("code_change_rebuild_s"),
    "app change reinstalls dependencies": yes_no("code_change_reinstalls_dependencies"),
    "rebuild, one dependency changed (packages downloaded)": lock_change,
    "build context": lambda entry: human_bytes(entry["context_bytes"]),
    "start-up": median("startup_s"),
    "`docker stop`": median("stop_s"),
    THROUGHPUT: throughput,
    "user": user,
    "workers": lambda entry: str(entry["workers"]),
    "healthcheck": yes_no("healthcheck"),
}


def label(entry: dict, linked: bool, repo: str, root_readme: str) -> str:
    """How a table names an image: the step (linked from the overview) and the variant."""
    if not linked:
        where = f"`{entry['dockerfile']}`" + (f", target `{entry['target']}`" if entry["target"] else "")
        return f"{entry['variant']} ({where})" if entry["variant"] else where
    step = entry["step"]
    name = f"[final result]({root_readme}#final-result)" if step == "final" else f"[{step}]({repo}{step}/README.md)"
    return name + (f": {entry['variant']}" if entry["variant"] else "")


def markdown_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(cells) + " |" for cells in (header, *rows)]
    return "\n".join([lines[0], "|" + " --- |" * len(header), *lines[1:]]) + "\n"


def table(entries: list[dict], linked: bool, repo: str = "", root_readme: str = "") -> str:
    rows = []
    for entry in entries:
        cells = [label(entry, linked, repo, root_readme), f"`{entry['base']['image']}`" if "base" in entry else MISSING]
        if entry["status"] == "ok":
            rows.append(cells + [cell(entry) for cell in COLUMNS.values()])
        else:
            rows.append([*cells, f"**failed** ({entry['phase']})"] + [MISSING] * (len(COLUMNS) - 1))
    return markdown_table(("image", "base", *COLUMNS), rows)


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
    facts = run["machine"]
    cpu = f" ({facts['cpu']})" if facts.get("cpu") else ""
    memory = f", {facts['memory_bytes'] / GIB:.0f} GiB of memory" if facts.get("memory_bytes") else ""
    times = f"times are medians of {run['repeat']} runs" if run["repeat"] > 1 else "times are from a single run"
    return (
        f"on {facts['os']} {facts['arch']}, {facts['cpus']} CPUs{cpu}{memory}, with Docker Engine "
        f"{run['docker']['engine']} and Docker Compose {run['docker']['compose']}; {times}"
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


def overview(data: dict, repo: str, root_readme: str, chart: str, json_link: str) -> str:
    entries = data["images"]
    if not entries:
        return not_measured("")
    return "\n".join([
        about(data, entries, json_link, root_readme),
        f"Measuring {len(entries)} image{'s' if len(entries) != 1 else ''} took "
        f"{duration(sum(entry.get('measure_s', 0) for entry in entries), 'words')}.\n",
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
        ours = next(entry for entry in entries if entry["variant"] is None)
        same_run = [entry for entry in data["images"] if entry["key"] == beside and entry["run"] == ours["run"]]
        compared = "\n" + side_by_side(ours, same_run[0] if same_run else None, step, beside)
        entries = [*same_run, *entries]
    labelled = len({entry["step"] for entry in entries}) > 1
    return "\n".join([
        about(data, entries, "../docs/scoreboard.json", "../README.md"),
        table(entries, linked=labelled, repo="../", root_readme="../README.md") + compared,
        "Every step side by side: [Measured](../README.md#measured); what each column means: "
        "[the scoreboard](../docs/scoreboard.md).\n",
    ])


def _compared(what: str, field: str, ours: dict, other: dict, show, more: str, less: str, unit="") -> str:
    """One figure of two images, as shown and to a percent ("30 % less"), and whether their samples overlap."""
    mine, theirs, shown = ours[field], other[field], (show(ours), show(other))
    change = (mine["median"] - theirs["median"]) / theirs["median"] * 100 if theirs["median"] else 0
    how = "equal as shown" if shown[0] == shown[1] or not round(change) else (
        f"{abs(change):.0f} % {more if change > 0 else less}"
    )
    if mine["min"] <= theirs["max"] and theirs["min"] <= mine["max"]:
        spread = "the samples overlap: this run cannot tell the two apart"
    else:
        counts = {len(mine["samples"]), len(theirs["samples"])}
        each = f"{counts.pop()} each" if len(counts) == 1 else " and ".join(map(str, sorted(counts)))
        spread = f"every sample of one lies beyond every sample of the other ({each})"
    return f"- **{what}**: {shown[0]} against {shown[1]}{unit} ({how}); {spread}."


def side_by_side(ours: dict, other: dict | None, step: str, beside: str) -> str:
    """Two images measured in the same run (`other` None: not so), compared in words from the figures alone."""
    again = f"`bash tools/measure --only {beside} --only {step}`"
    if other is None:
        return f"_{beside} and {step} were not measured in the same run: run {again} to compare them._\n"
    if ours["status"] != "ok" or other["status"] != "ok":
        return f"_One of the two failed to measure: run {again} again._\n"
    lines = [
        f"Measured in the same run, `{ours['base']['image']}` against `{other['base']['image']}`:",
        "",
        f"- **size**: {human_bytes(ours['size_bytes'])} against {human_bytes(other['size_bytes'])}; "
        f"added over the base: {human_bytes(ours['added_bytes'])} against {human_bytes(other['added_bytes'])}.",
    ]
    for field, what in (("cold_build_s", "cold build"), ("startup_s", "start-up"), ("stop_s", "`docker stop`")):
        if ours.get(field) and other.get(field):  # a figure one of them lacks is not compared
            lines.append(_compared(what, field, ours, other, COLUMNS[what], "longer", "shorter"))
    if ours.get("throughput_rps") and other.get("throughput_rps"):
        lines.append(_compared("throughput", "throughput_rps", ours, other, throughput, "more", "fewer",
                               " requests per second"))
    return "\n".join(lines) + "\n"


WRK = f"wrk -t{scoreboard.LOAD_THREADS} -c{scoreboard.LOAD_CONNECTIONS} -d{scoreboard.LOAD_S}s"
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
  `WORKERS={scoreboard.LOAD_WORKERS}` in its environment (whatever the image's default), its port
  published on 127.0.0.1; a {scoreboard.WARM_UP_S}-second warm-up run, then
  `{WRK}`, one sample per repeat, the table
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
  `WORKERS={scoreboard.BOOTING_WORKERS}`, stopped as soon as `/` first answers, while other workers may
  still be importing the app.
- **failed requests while workers recycle**: a container with `MAX_REQUESTS={scoreboard.RECYCLE_AFTER}`
  under `wrk` for {scoreboard.RECYCLE_LOAD_S} s, so that workers retire and are replaced many times:
  the requests wrk counted as failed (socket errors and answers 400 and above), the
  median of the repeats. wrk keeps its connections open and does not retry, so a
  connection that a retiring worker closes between two requests counts too.
- **answer to a {scoreboard.OVERSIZED_HEADER_BYTES // 1000} kB header**: the status line's code for a request
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
SERVER_COLUMNS = {
    "server": lambda entry: SERVERS[entry["key"]],
    **{name: COLUMNS[name] for name in (THROUGHPUT, "start-up", "`docker stop`")},
    "`docker stop` right after a load": median("stop_after_load_s"),
    "`docker stop` during boot": median("stop_during_boot_s"),
    f"failed requests while workers recycle (every {scoreboard.RECYCLE_AFTER} requests, "
    f"{scoreboard.RECYCLE_LOAD_S} s of load)": median("recycling", "{:,.0f}".format),
    f"answer to a {scoreboard.OVERSIZED_HEADER_BYTES // 1000} kB header": lambda entry: (
        entry.get("oversized_header") or MISSING
    ),
    **{name: COLUMNS[name] for name in ("added over base", "cold build")},
}


def servers_section(data: dict) -> str:
    """The root README's comparison of servers, from the final's rows."""
    measured = {entry["key"]: entry for entry in data["images"] if entry["status"] == "ok"}
    entries = [measured[key] for key in SERVERS if key in measured]
    if not entries:
        return not_measured(" --only final")
    rows = [[cell(entry) for cell in SERVER_COLUMNS.values()] for entry in entries]
    return about(data, entries, "docs/scoreboard.json", "") + "\n" + markdown_table(tuple(SERVER_COLUMNS), rows)
