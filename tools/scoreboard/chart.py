"""docs/scoreboard.png from docs/scoreboard.json: what each image adds, how long it builds,
how many requests it serves."""

import hashlib
import json
import struct
from pathlib import Path

from tools.durations import duration
from tools.scoreboard import LOAD_WORKERS


def image_label(entry: dict) -> str:
    name = "final result" if entry["step"] == "final" else entry["step"]
    return name + (f" ({entry['variant']})" if entry["variant"] else "")


def title(data: dict) -> str:
    runs = list(data["runs"].values())
    dates = sorted({run_id[:10] for run_id in data["runs"]})
    standins = {entry["base"]["standin"] for entry in data["images"] if "base" in entry}
    bases = "offline stand-in bases" if standins == {True} else (
        "pulled bases" if standins == {False} else "stand-in and pulled bases"
    )
    when = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    return (
        f"Measured {when} · {runs[-1]['machine']['cpus']} CPUs · "
        f"Docker {runs[-1]['docker']['engine']} · {bases} · times: median of "
        f"{'/'.join(sorted({str(run['repeat']) for run in runs}))} run(s)"
    )


def source(data: dict) -> str:
    """What the picture was drawn from, as the PNG records it: a digest of the whole scoreboard."""
    return "docs/scoreboard.json sha256:" + hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def recorded_source(path: Path) -> str | None:
    """The `Source` text chunk of a PNG drawn by `draw`, read with the standard library."""
    content, offset = path.read_bytes(), 8  # after the PNG signature
    while offset < len(content):
        length, kind = struct.unpack(">I4s", content[offset:offset + 8])
        if kind == b"tEXt":
            key, _, value = content[offset + 8:offset + 8 + length].partition(b"\0")
            if key == b"Source":
                return value.decode("latin-1")
        offset += 12 + length
    return None


def draw(data: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entries = data["images"]
    ok = [entry["status"] == "ok" for entry in entries]
    positions = list(range(len(entries)))

    def medians(key: str, failed: float | None = 0) -> list[float | None]:
        """Each entry's median of `key`, `failed` for a failed image, None where the entry lacks the column."""
        return [(entry.get(key) or {}).get("median") if entry["status"] == "ok" else failed for entry in entries]

    def panel(axes, heading: str, series: list[tuple], shown, failed="failed", fontsize=9, width=0.8) -> None:
        """Bars of each series (offset, values, legend, colour), labelled with their values as `shown`."""
        for offset, values, name, color in series:
            bars = axes.barh([p + offset for p in positions], [v or 0 for v in values], height=width, label=name,
                             color=color)
            axes.bar_label(bars, padding=3, fontsize=fontsize, labels=[
                shown(v) if v is not None else "—" if good else failed for v, good in zip(values, ok, strict=True)
            ])
        axes.set_title(heading, fontsize=11)
        axes.margins(x=0.2)
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="x", alpha=0.3)
        axes.set_axisbelow(True)

    figure, (size_axes, time_axes, load_axes) = plt.subplots(
        1, 3, figsize=(17, 1.6 + 0.45 * max(len(entries), 2)), sharey=True, layout="constrained",
        gridspec_kw={"width_ratios": [1, 1.4, 1]},
    )
    added = [entry["added_bytes"] / 1e6 if good else None for entry, good in zip(entries, ok, strict=True)]
    panel(size_axes, "Size added over the base image (MB)", [(0, added, "", "#4c72b0")], "{:.0f} MB".format)
    size_axes.set_yticks(positions, [image_label(entry) for entry in entries], fontsize=10)
    size_axes.invert_yaxis()  # the series top to bottom
    thickness = 0.27
    panel(time_axes, "Build time (s)", [
        (-thickness, medians("cold_build_s"), "cold build (no cache, empty cache mounts)", "#dd8452"),
        (0, medians("lock_change_rebuild_s", None), "rebuild after one dependency changed", "#c44e52"),
        (thickness, medians("code_change_rebuild_s"), "rebuild after a one-line app change", "#55a868"),
    ], duration, failed="", fontsize=7, width=thickness)
    rates = medians("throughput_rps", None)
    panel(load_axes, f"Throughput, GET / (req/s, {LOAD_WORKERS} workers)", [(0, rates, "", "#8172b3")],
          "{:,.0f}".format)
    if not any(rates):  # a panel of dashes: no axis around -0.05..0.05
        load_axes.set_xlim(0, 1)
        load_axes.set_xticks([])
    figure.legend(loc="outside lower center", ncols=3, fontsize=9, frameon=False)
    figure.suptitle(title(data), fontsize=10, color="#444444")
    path.parent.mkdir(parents=True, exist_ok=True)
    # No software version or date: the same JSON draws the same picture, and the file names that JSON.
    figure.savefig(path, dpi=100, metadata={"Software": None, "Source": source(data)})
    plt.close(figure)
