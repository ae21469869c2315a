# -*- coding: utf-8 -*-
"""A normal (non-editable) install ships the schemas, templates, migrations
and config declaration: the Docker image installs the package this way."""
from __future__ import annotations

import pathlib
import subprocess
import sys
import venv

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def installed_package(tmp_path_factory) -> pathlib.Path:
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp / "dist"), str(ROOT)],
        check=True,
    )
    wheels = list((tmp / "dist").glob("ckanext_utt1service-*.whl"))
    assert len(wheels) == 1, wheels
    target = tmp / "site"
    venv.create(tmp / "venv", with_pip=False)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q",
         "--target", str(target), str(wheels[0])],
        check=True,
    )
    return target / "ckanext" / "utt1service"


@pytest.mark.parametrize(
    "relative",
    [
        "plugin.py",
        "config_declaration.yaml",
        "schemas/dataset.yaml",
        "templates/footer.html",
        "assets/webassets.yml",
        "migration/utt1service/alembic.ini",
        "migration/utt1service/env.py",
        "migration/utt1service/script.py.mako",
        "migration/utt1service/versions/9a1c2e3d4b5f_create_utt1service_audit.py",
        "i18n/th/LC_MESSAGES/ckanext-utt1service.po",
    ],
)
def test_wheel_ships_the_file(installed_package, relative):
    assert (installed_package / relative).is_file(), relative


def test_the_code_has_no_undefined_names_or_unused_imports():
    """pyflakes' rules through ruff (the blanket modules re-export features
    with star imports, which those two rules would flag)."""
    root = pathlib.Path(__file__).resolve().parents[1]
    ruff = pathlib.Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--no-cache", "--select", "F", "--ignore", "F403,F405",
         "--output-format", "concise", str(root)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
