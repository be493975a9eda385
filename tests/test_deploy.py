"""deploy/sanad.service: a unit systemd accepts, as hardened as the README says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

UNIT = REPO / "deploy" / "sanad.service"
INSTALLED = "/opt/sanad/bin/sanad"  # where the README's steps install the program
README = (REPO / "README.md").read_text(encoding="utf-8")


def directives() -> dict[str, list[str]]:
    """Every `Key=value` of the unit, a key given more than once keeping each value."""
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def analyze() -> str:
    """systemd-analyze, or a skip where this machine has none."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian's package systemd has it)")
    return tool


def test_the_unit_runs_sanad_as_its_own_user_with_the_token_from_a_file() -> None:
    unit = directives()
    assert unit["User"] == ["sanad"] and unit["Group"] == ["sanad"]
    assert unit["ExecStart"] == [f"{INSTALLED} --config /etc/sanad/config.yaml run"]
    assert unit["EnvironmentFile"] == ["/etc/sanad/sanad.env"]
    assert unit["WorkingDirectory"] == ["/var/lib/sanad"]
    assert unit["Restart"] == ["on-failure"]


def test_the_unit_may_write_to_the_data_folder_only() -> None:
    unit = directives()
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["ReadWritePaths"] == ["/var/lib/sanad"]
    assert unit["StateDirectory"] == ["sanad"]  # that folder, created owned by sanad
    for key in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices"):
        assert unit[key] == ["yes"], key
    assert unit["CapabilityBoundingSet"] == [""]


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    """`systemd-analyze verify`, with the program where this test runs it from.

    verify insists that ExecStart's program exists; here it is this environment's `sanad`
    instead of /opt/sanad's, every other line as shipped.
    """
    tool = analyze()
    program = Path(sys.executable).parent / "sanad"
    if not program.exists():
        pytest.skip(f"{program} is not installed (pip install .)")
    text = UNIT.read_text(encoding="utf-8")
    assert INSTALLED in text
    unit = tmp_path / "sanad.service"
    unit.write_text(text.replace(INSTALLED, str(program)), encoding="utf-8")
    checked = subprocess.run(
        [tool, "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.strip() == "", checked.stderr


def test_systemd_rates_the_unit_well_exposed_at_most_2_of_10() -> None:
    """`systemd-analyze security` scores the unit file itself (offline: no running systemd)."""
    tool = analyze()
    rated = subprocess.run(
        [tool, "security", "--offline=true", "--threshold=20", str(UNIT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if "Overall exposure level" not in rated.stdout + rated.stderr:
        pytest.skip(f"this systemd-analyze cannot rate a unit file offline: {rated.stderr}")
    assert rated.returncode == 0, rated.stdout


def test_the_readme_sets_up_what_the_unit_expects() -> None:
    """The README's steps create the user, the files and the folder the unit names."""
    for needed in (
        "useradd --system",
        "/etc/sanad/sanad.env",
        "/etc/sanad/config.yaml",
        "/var/lib/sanad/knowledge",
        "/var/lib/sanad/data/sanad.sqlite3",
        "python3 -m venv /opt/sanad",
        "deploy/sanad.service",
        "systemctl enable --now sanad",
    ):
        assert needed in README, needed
