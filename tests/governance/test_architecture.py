"""The conventions every app keeps, checked so that they stay kept."""

import importlib
import inspect

import pytest

APPS = ("initiatives", "policies", "sponsors", "maturity", "identity", "discussion", "knowledge")


@pytest.mark.parametrize("app", APPS)
def test_selectors_take_keyword_only_arguments(app: str) -> None:
    module = importlib.import_module(f"{app}.selectors")
    positional = [
        f"{name}({param.name})"
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
        for param in inspect.signature(function).parameters.values()
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD)
    ]
    assert positional == []


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_the_same_files(app: str) -> None:
    for name in (
        "models",
        "services",
        "selectors",
        "views",
        "api",
        "urls",
        "forms",
        "admin",
        "apps",
    ):
        importlib.import_module(f"{app}.{name}")
