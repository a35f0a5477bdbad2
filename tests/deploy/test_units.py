"""The systemd units of deploy/systemd: each timer starts a service that exists, each command they run
is one of the portal's, and the deployment guide enables every timer."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def test_every_timer_starts_a_oneshot_service_of_its_name():
    timers = sorted(UNITS.glob("*.timer"))
    assert timers
    for timer in timers:
        assert _unit(timer)["Timer"]["OnCalendar"], timer.name
        service = _unit(timer.with_suffix(".service"))
        assert service["Service"]["Type"] == "oneshot", timer.name


def test_every_management_command_a_unit_runs_exists():
    commands = get_commands()
    for unit in UNITS.glob("*.service"):
        found = re.search(r"manage\.py (\S+)", _unit(unit)["Service"]["ExecStart"])
        if found:
            assert found.group(1) in commands, f"{unit.name} runs manage.py {found.group(1)}, which does not exist"


def test_the_open_data_is_refreshed_every_day_as_a_safety_net():
    service = _unit(UNITS / "kaltara-opendata.service")["Service"]
    assert service["ExecStart"].endswith("manage.py refresh_opendata")
    assert service["User"] == "kaltara" and service["EnvironmentFile"] == "/etc/kaltara/kaltara.env"
    calendar = _unit(UNITS / "kaltara-opendata.timer")["Timer"]["OnCalendar"]
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:00 Asia/Makassar", calendar)
    assert "kaltara-opendata" in (ROOT / "deploy" / "README.md").read_text()


def test_the_deployment_guide_enables_every_timer_and_lists_every_unit():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    enable = re.search(r"systemctl enable --now (.*?)\n   ```", guide, re.S)
    assert enable, "no systemctl enable line in docs/deployment.md"
    for timer in UNITS.glob("*.timer"):
        assert timer.name in enable.group(1), f"{timer.name} is not enabled in docs/deployment.md"
    for unit in UNITS.glob("*.service"):
        assert f"deploy/systemd/{unit.stem}" in guide, f"{unit.name} is not listed in docs/deployment.md"
