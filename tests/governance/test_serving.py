"""gunicorn takes its settings from the environment, strictly."""

import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_gunicorn_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    monkeypatch.setenv("GUNICORN_FORWARDED_ALLOW_IPS", "10.0.0.2")
    conf = runpy.run_path(str(CONF))
    assert (conf["bind"], conf["workers"], conf["threads"], conf["timeout"]) == (
        "0.0.0.0:9000",
        3,
        4,
        45,
    )
    assert conf["forwarded_allow_ips"] == "10.0.0.2"
    # Two servers on one host must not share gunicorn's control socket.
    assert conf["control_socket_disable"] is True


def test_empty_gunicorn_variables_mean_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT"):
        monkeypatch.setenv(name, "")
    conf = runpy.run_path(str(CONF))
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["timeout"] == 30
    assert conf["workers"] >= 2


def test_a_malformed_number_stops_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUNICORN_WORKERS", "many")
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS"):
        runpy.run_path(str(CONF))
