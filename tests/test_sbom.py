"""Extra 4's SBOM: syft's CycloneDX document of the image, valid and complete."""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from tools import docker_cli

SYFT = Path(sys.executable).parent / "syft"
# No update check, no network: syft reads the image from the local engine.
SYFT_ENV = {**os.environ, "SYFT_CHECK_FOR_APP_UPDATE": "false"}
SCHEMAS = {version.to_version(): version for version in SchemaVersion}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sbom_of(image: str) -> dict:
    made = subprocess.run(
        [SYFT, "scan", f"docker:{image}", "--output", "cyclonedx-json", "--quiet"],
        capture_output=True, text=True, timeout=600, env=SYFT_ENV,
    )
    assert made.returncode == 0, f"syft failed on {image}:\n{made.stderr[-2000:]}"
    return json.loads(made.stdout)


@pytest.mark.applies_to("sbom")
def test_sbom_lists_the_requirements_and_no_dev_tool(step, image):
    sbom = sbom_of(image)
    version = SCHEMAS.get(sbom.get("specVersion"))
    assert version, f"CycloneDX version {sbom.get('specVersion')!r} is not one the validator knows"
    error = JsonStrictValidator(version).validate_str(json.dumps(sbom))
    assert error is None, f"{step.name}: the SBOM breaks the CycloneDX {version.to_version()} schema: {error}"

    python = {
        normalized(component["name"]): component.get("version")
        for component in sbom.get("components", [])
        if component.get("purl", "").startswith("pkg:pypi/")
    }
    requirements = docker_cli.docker("run", "--rm", "--entrypoint", "cat", image, step.hashed_requirements)
    wanted = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", requirements, re.M))
    wrong = {name: (version, python.get(normalized(name))) for name, version in wanted.items()
             if python.get(normalized(name)) != version}
    assert not wrong, f"{step.name}: requirements missing from the SBOM or at another version (pinned, listed): {wrong}"

    pyproject = tomllib.loads((step.path / "pyproject.toml").read_text())
    dev = pyproject["tool"]["poetry"]["group"]["dev"]["dependencies"]
    shipped = sorted(name for name in dev if normalized(name) in python)
    assert not shipped, f"{step.name}: the SBOM lists dev tools that the image should not carry: {shipped}"
    # What the base image brings is in it too: pip, and the system's Debian packages.
    debian = [c["name"] for c in sbom.get("components", []) if c.get("purl", "").startswith("pkg:deb/")]
    assert "pip" in python and debian, f"{step.name}: the SBOM lacks pip or the Debian packages (found {len(debian)})"
