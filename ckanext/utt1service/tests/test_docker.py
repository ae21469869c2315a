# -*- coding: utf-8 -*-
"""The Docker deployment (``docker/``), checked without a Docker engine.

The project's machines have no Docker engine, so the image is not built and no
container is started here. What is checked instead: the compose file against
the Compose Specification schema; the Dockerfile with hadolint and the shell
scripts with ShellCheck; that settings, versions and the Solr configset agree
with the rest of the repository; and the start-up steps themselves (the
``docker-entrypoint.d`` hook, the sysadmin bootstrap, the Solr core script,
the worker healthcheck) run for real against the suite's PostgreSQL and Redis.
"""
from __future__ import annotations

import filecmp
import hashlib
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
from typing import Any, Iterator

import jsonschema
import pytest
import sqlalchemy as sa
import yaml

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli import CKANConfigLoader
from ckan.cli.cli import ckan as ckan_command
from ckan.lib import jobs
from ckan.tests import factories

ROOT = pathlib.Path(__file__).resolve().parents[3]
DOCKER = ROOT / "docker"
COMPOSE_FILE = DOCKER / "docker-compose.yml"
DOCKERFILE = DOCKER / "Dockerfile"
ENV_EXAMPLE = DOCKER / ".env.example"
SCHEMA_DIR = DOCKER / "schema"
HOOK = DOCKER / "ckan" / "docker-entrypoint.d" / "50-utt1service.sh"
START = DOCKER / "ckan" / "utt1service-start.sh"
WORKER_HEALTH = DOCKER / "ckan" / "utt1service-worker-health.py"
SOLR_CORE_SCRIPT = DOCKER / "solr" / "10-ckan-core.sh"
CONFIGSET = ROOT / "solr" / "configsets" / "ckan"
VENV_BIN = pathlib.Path(sys.executable).parent


@pytest.fixture(autouse=True)
def _plugins():
    """Overrides conftest's autouse ``with_plugins``: most tests here only read
    files, and loading the plugins costs ~2 s a test. The tests that run CKAN
    ask for ``with_plugins`` themselves."""


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(VENV_BIN)) or shutil.which(name)
    assert found, f"{name} is not installed (dev-requirements.txt)"
    return found


# ---- .env.example -----------------------------------------------------------

_ASSIGNMENT = re.compile(r"^(# )?([A-Z][A-Z0-9_]*)=(.*)$")


class EnvLine:
    def __init__(self, number: int, name: str, value: str, optional: bool,
                 comment: list[str]):
        self.number = number
        self.name = name
        self.value = value
        self.optional = optional  # "# NAME=default": documented, not set
        self.comment = comment  # the description lines right above it


def _env_example() -> dict[str, EnvLine]:
    lines = ENV_EXAMPLE.read_text().splitlines()
    found: dict[str, EnvLine] = {}
    for number, line in enumerate(lines):
        match = _ASSIGNMENT.match(line)
        if not match:
            continue
        comment = []
        above = number - 1
        while (above >= 0 and lines[above].startswith("#")
               and not _ASSIGNMENT.match(lines[above])):
            comment.insert(0, lines[above].lstrip("# ").rstrip())
            above -= 1
        name = match.group(2)
        assert name not in found, f"{name} appears twice in .env.example"
        found[name] = EnvLine(number + 1, name, match.group(3),
                              bool(match.group(1)), comment)
    return found


def test_every_variable_of_env_example_has_its_own_description():
    for line in _env_example().values():
        assert line.comment, (
            f".env.example line {line.number}: {line.name} has no comment right above it"
        )


def test_env_example_sets_no_secret():
    env = _env_example()
    for name in ("CKAN_SECRET_KEY", "POSTGRES_PASSWORD", "CKAN_SYSADMIN_PASSWORD",
                 "CKAN_SMTP_PASSWORD"):
        assert env[name].value == "", f"{name} must be left empty in .env.example"


def _envvars_name(option: str) -> str:
    """The variable ckanext-envvars reads for an option: upper case, "__" for
    each "." (it lower-cases the variable and turns "__" back into ".")."""
    return option.upper().replace(".", "__")


def _declared_options() -> list[str]:
    declaration = yaml.safe_load(
        (ROOT / "ckanext" / "utt1service" / "config_declaration.yaml").read_text()
    )
    return [
        option["key"]
        for group in declaration["groups"]
        for option in group.get("options", [])
        if option["key"].startswith("ckanext.utt1service.")
    ]


@pytest.mark.parametrize("option", _declared_options())
def test_every_declared_option_is_documented_in_env_example(option):
    # ckanext-envvars can only map names that survive the round trip
    assert option == option.lower() and "__" not in option, option
    name = _envvars_name(option)
    assert name.lower().replace("__", ".") == option
    env = _env_example()
    assert name in env, f"{option} is not in docker/.env.example (as {name})"
    assert any(option in line for line in env[name].comment), (
        f"the comment above {name} in .env.example should name {option}"
    )


# ---- docker-compose.yml -----------------------------------------------------

_VARIABLE = re.compile(
    r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


class MissingVariable(Exception):
    pass


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's ${…} interpolation: ${X}, ${X:-default}, ${X-default},
    ${X:?error}, ${X?error}, $X, and $$ for a literal $."""
    if isinstance(value, dict):
        return {key: _interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match.group(1):
            return "$"
        name = match.group(2) or match.group(5)
        operator, argument = match.group(3), match.group(4)
        current = env.get(name)
        if operator == ":-":
            return current or argument
        if operator == "-":
            return argument if current is None else current
        if operator in (":?", "?") and (current is None or (operator == ":?" and not current)):
            raise MissingVariable(f"{name}: {argument}")
        if current is None:
            raise MissingVariable(f"{name} has no default and is not set")
        return current

    return _VARIABLE.sub(substitute, value)


def _variables(document: Any) -> dict[str, set[str]]:
    """Variable name -> the interpolation operators it is used with."""
    found: dict[str, set[str]] = {}
    for text in _strings(document):
        for match in _VARIABLE.finditer(text):
            name = match.group(2) or match.group(5)
            if name:
                found.setdefault(name, set()).add(match.group(3) or "")
    return found


def _filled_env() -> dict[str, str]:
    """The values of .env.example that are set, with the REQUIRED empty ones
    filled in as a sysadmin would."""
    env = {line.name: line.value for line in _env_example().values() if not line.optional}
    for name, value in env.items():
        if not value:
            env[name] = f"value-of-{name.lower()}"
    return env


def _compose_schema() -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / "compose-spec.json").read_text())


def _schema_errors(document: Any) -> list[str]:
    schema = _compose_schema()
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(schema).iter_errors(document)
    ]


def test_the_vendored_schema_is_the_one_its_readme_names():
    noted = re.search(r"sha256: ([0-9a-f]{64})", (SCHEMA_DIR / "README.md").read_text())
    assert noted, "docker/schema/README.md must note the schema's sha256"
    digest = hashlib.sha256((SCHEMA_DIR / "compose-spec.json").read_bytes()).hexdigest()
    assert digest == noted.group(1)
    assert _compose_schema()["title"] == "Compose Specification"


def test_compose_file_is_valid_against_the_compose_specification():
    document = _compose()
    assert _schema_errors(document) == []
    # and once Compose has filled in the variables from a completed .env
    assert _schema_errors(_interpolate(document, _filled_env())) == []


def test_the_schema_check_rejects_a_broken_compose_file():
    document = _compose()
    document["services"]["ckan"]["restrat"] = "unless-stopped"  # misspelt key
    document["services"]["db"]["volumes"] = "db_data"  # a string, not a list
    errors = _schema_errors(document)
    assert any("restrat" in error for error in errors), errors
    assert any(error.startswith("services/db/volumes") for error in errors), errors


def test_every_compose_variable_has_a_default_or_is_in_env_example():
    env = _env_example()
    for name, operators in _variables(_compose()).items():
        if operators <= {":-", "-"}:
            continue  # Compose has a default
        assert name in env and not env[name].optional, (
            f"docker-compose.yml needs {name}: set it in .env.example"
        )


def test_required_variables_are_marked_required_in_env_example():
    env = _env_example()
    required = {name for name, ops in _variables(_compose()).items() if ops & {":?", "?"}}
    assert required, "the compose file should stop on missing secrets (${X:?…})"
    for name in required:
        assert name in env and not env[name].optional, name
        assert any("REQUIRED" in line for line in env[name].comment), (
            f"the comment above {name} in .env.example should say REQUIRED"
        )
    # an unfilled .env.example makes Compose stop and name what is missing
    unfilled = {line.name: line.value for line in env.values() if not line.optional}
    with pytest.raises(MissingVariable):
        _interpolate(_compose(), unfilled)


def test_defaults_shown_in_env_example_are_the_compose_defaults():
    shown = {line.name: line.value for line in _env_example().values() if line.optional}
    compose_text = COMPOSE_FILE.read_text()
    for name, value in shown.items():
        for default in re.findall(r"\$\{" + name + r":-([^}]*)\}", compose_text):
            assert default == value, f"{name}: .env.example shows {value!r}, compose uses {default!r}"


def test_every_service_has_a_healthcheck():
    services = _compose()["services"]
    assert set(services) == {"ckan", "worker", "db", "solr", "redis", "nginx"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_data_lives_in_named_volumes():
    document = _compose()
    expected = {
        "db": ("db_data", "/var/lib/postgresql/data"),
        "solr": ("solr_data", "/var/solr"),
        "ckan": ("ckan_storage", "/var/lib/ckan"),
        "worker": ("ckan_storage", "/var/lib/ckan"),
        "redis": ("redis_data", "/data"),
    }
    for service, (volume, target) in expected.items():
        assert f"{volume}:{target}" in document["services"][service]["volumes"], service
        assert volume in document["volumes"]


def test_db_solr_and_redis_are_only_on_internal_networks():
    document = _compose()
    networks = document["networks"]
    for name in ("db", "solr", "redis"):
        service = document["services"][name]
        assert "ports" not in service, f"{name} must not be published on the host"
        for network in service["networks"]:
            assert networks[network] and networks[network].get("internal") is True, (
                f"{name} is on the non-internal network {network}"
            )
    # ckan reaches all three; nginx only ckan
    assert set(document["services"]["ckan"]["networks"]) == {"web", "db_net", "solr_net", "redis_net"}
    assert document["services"]["nginx"]["networks"] == ["web"]
    assert document["services"]["nginx"]["profiles"] == ["nginx"]


def test_ckan_trusts_the_visitor_address_that_its_one_proxy_adds():
    """Rate limits and download counts follow the visitor's address: nginx
    appends the address it saw to X-Forwarded-For, and CKAN trusts exactly
    that one hop (behind nginx every visitor would otherwise be nginx)."""
    nginx = (DOCKER / "nginx" / "templates" / "default.conf.template").read_text()
    assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;", nginx)
    environment = _compose()["services"]["ckan"]["environment"]
    assert environment["CKANEXT__UTT1SERVICE__TRUSTED_PROXIES"] == "${CKANEXT__UTT1SERVICE__TRUSTED_PROXIES:-1}"
    # ckan itself is published only on the host's loopback, for the proxy
    assert _compose()["services"]["ckan"]["ports"] == ["${CKAN_HTTP_BIND:-127.0.0.1}:${CKAN_HTTP_PORT:-5000}:5000"]


def test_worker_runs_ckan_jobs_worker_with_the_ckan_image():
    services = _compose()["services"]
    assert services["worker"]["command"] == ["ckan", "jobs", "worker"]
    assert services["worker"]["image"] == services["ckan"]["image"]
    assert services["worker"]["environment"] == services["ckan"]["environment"]


# ---- Solr -------------------------------------------------------------------

def _solr_configset_mount() -> tuple[pathlib.Path, str]:
    for volume in _compose()["services"]["solr"]["volumes"]:
        source, _, rest = volume.partition(":")
        if source.startswith("."):
            target = rest.split(":")[0]
            if target.startswith("/opt/solr/server/solr/configsets/"):
                return (DOCKER / source).resolve(), target
    raise AssertionError("compose mounts no configset into the solr service")


def test_compose_solr_uses_the_configset_of_the_local_solr():
    source, target = _solr_configset_mount()
    assert source == CONFIGSET
    # the core script reads the configset where compose mounts it
    assert f'UTT1_SOLR_CONFIGSET:-{target}' in SOLR_CORE_SCRIPT.read_text()
    # and the local Solr (bin/services) serves its cores from the same folder
    services = (ROOT / "bin" / "services").read_text()
    assert '-Dsolr.configset.dir="$ROOT/solr/configsets"' in services
    assert "configSet=ckan" in services


def test_there_is_no_second_copy_of_the_solr_schema():
    schemas = [
        path.relative_to(ROOT)
        for path in ROOT.rglob("schema.xml")
        # .venv and .venv-2.12 (CKAN_VERSION=2.12) hold CKAN's own copy
        if not any(part.startswith((".venv", ".local", ".git")) for part in path.relative_to(ROOT).parts)
    ]
    assert schemas == [pathlib.Path("solr/configsets/ckan/conf/schema.xml")]


def test_compose_solr_is_the_release_the_local_solr_runs_with_icu():
    pom = (ROOT / "solr" / "pom.xml").read_text()
    version = re.search(r"<solr\.version>([^<]+)</solr\.version>", pom).group(1)
    solr = _compose()["services"]["solr"]
    assert solr["image"] == f"solr:{version}"
    assert "analysis-extras" in solr["environment"]["SOLR_MODULES"].split(",")


def _run_solr_core_script(solr_home: pathlib.Path, configset: pathlib.Path):
    return subprocess.run(
        ["bash", "-c", f'set -e; . "{SOLR_CORE_SCRIPT}"'],
        env={**os.environ, "SOLR_HOME": str(solr_home), "UTT1_SOLR_CONFIGSET": str(configset)},
        capture_output=True, text=True,
    )


def test_solr_core_script_creates_the_core_and_refreshes_its_conf(tmp_path):
    result = _run_solr_core_script(tmp_path, CONFIGSET)
    assert result.returncode == 0, result.stderr
    core = tmp_path / "ckan"
    assert (core / "core.properties").read_text() == "name=ckan\n"
    names = sorted(p.name for p in (CONFIGSET / "conf").iterdir())
    assert sorted(p.name for p in (core / "conf").iterdir()) == names
    _, mismatch, errors = filecmp.cmpfiles(CONFIGSET / "conf", core / "conf", names, shallow=False)
    assert mismatch == errors == []

    # a restart after an upgrade: the old conf goes, the index and properties stay
    (core / "conf" / "schema.xml").write_text("<schema name='old'/>")
    (core / "conf" / "stale.txt").write_text("from an older release")
    (core / "data").mkdir()
    (core / "data" / "segments_1").write_text("index")
    (core / "core.properties").write_text("name=ckan\n# tuned by hand\n")
    result = _run_solr_core_script(tmp_path, CONFIGSET)
    assert result.returncode == 0, result.stderr
    assert filecmp.cmp(CONFIGSET / "conf" / "schema.xml", core / "conf" / "schema.xml", shallow=False)
    assert not (core / "conf" / "stale.txt").exists()
    assert (core / "data" / "segments_1").read_text() == "index"
    assert "tuned by hand" in (core / "core.properties").read_text()


def test_solr_core_script_stops_solr_when_the_configset_is_not_mounted(tmp_path):
    result = _run_solr_core_script(tmp_path / "home", tmp_path / "nothing-mounted")
    assert result.returncode != 0
    assert "no configset" in result.stderr
    assert not (tmp_path / "home" / "ckan").exists()


# ---- Dockerfile -------------------------------------------------------------

def test_ckan_versions_agree_across_dockerfile_requirements_and_readme():
    pinned = re.search(r"^ckan\[requirements\]==([\d.]+)$",
                       (ROOT / "requirements.txt").read_text(), re.M).group(1)
    dockerfile = DOCKERFILE.read_text()
    # every stage is built on the release of the build argument, whose
    # default (in the Dockerfile and in the compose file) is the pin
    images = re.findall(r"^FROM ckan/ckan-base:(\S+)", dockerfile, re.M)
    assert images and set(images) == {"${CKAN_VERSION}"}, images
    assert re.search(r"^ARG CKAN_VERSION=(\S+)$", dockerfile, re.M).group(1) == pinned
    build = _compose()["x-ckan"]["build"]
    assert build["args"]["CKAN_VERSION"] == "${CKAN_VERSION:-" + pinned + "}"
    dev = re.search(r"^ckan\[dev\]==([\d.]+)$",
                    (ROOT / "dev-requirements.txt").read_text(), re.M).group(1)
    assert dev == pinned
    # the README names the default and the second supported version
    # (requirements-ckan2.12.txt, README "Supported versions"), no other
    second = re.search(r"^ckan\[[\w,]+\]==([\d.]+)$",
                       (ROOT / "requirements-ckan2.12.txt").read_text(), re.M).group(1)
    readme = (ROOT / "README.md").read_text()
    mentioned = set(re.findall(r"CKAN (\d+\.\d+\.\d+)", readme))
    mentioned |= set(re.findall(r"ckan/ckan-base:(\d+\.\d+\.\d+)", readme))
    mentioned |= set(re.findall(r"ckan\[[\w,]+\]==(\d+\.\d+\.\d+)", readme))
    assert pinned in mentioned and mentioned <= {pinned, second}, mentioned


def _supported_versions() -> set[str]:
    pinned = re.search(r"^ckan\[requirements\]==([\d.]+)$",
                       (ROOT / "requirements.txt").read_text(), re.M).group(1)
    second = re.search(r"^ckan\[[\w,]+\]==([\d.]+)$",
                       (ROOT / "requirements-ckan2.12.txt").read_text(), re.M).group(1)
    return {pinned, second}


def test_the_image_builds_for_either_supported_ckan_from_one_build_argument():
    dockerfile = DOCKERFILE.read_text()
    # declared before the first stage (so FROM can use it) and again in the
    # last one (so its RUN lines see it)
    first_from = dockerfile.index("\nFROM ")
    assert re.search(r"^ARG CKAN_VERSION=", dockerfile[:first_from], re.M)
    last_stage = dockerfile[dockerfile.rindex("\nFROM "):]
    assert re.search(r"^ARG CKAN_VERSION$", last_stage, re.M)
    # the build accepts exactly the two supported releases
    accepted = re.search(r'case "\$\{CKAN_VERSION\}" in ([\d.|]+)\)', dockerfile).group(1)
    assert set(accepted.split("|")) == _supported_versions()
    # the compose file is valid with either version in .env, and passes it on
    for version in sorted(_supported_versions()):
        document = _interpolate(_compose(), dict(_filled_env(), CKAN_VERSION=version))
        assert _schema_errors(document) == [], version
        for service in ("ckan", "worker"):
            assert document["services"][service]["build"]["args"]["CKAN_VERSION"] == version
    # .env.example documents the variable, with the default of the compose file
    line = _env_example()["CKAN_VERSION"]
    assert line.optional and line.value == min(_supported_versions())
    assert all(v in " ".join(line.comment) for v in _supported_versions())


def test_the_build_refuses_an_unsupported_ckan_version(tmp_path):
    """The Dockerfile's own check, run as the build would (bash -c)."""
    dockerfile = DOCKERFILE.read_text()
    check = re.search(r'(case "\$\{CKAN_VERSION\}" in .*? esac)', dockerfile, re.S).group(1)
    check = check.replace("\\\n", "\n")
    for version, ok in (("2.11.6", True), ("2.12.0", True), ("2.10.5", False), ("", False),
                        ("2.12.0; rm -rf /", False)):
        result = subprocess.run(["bash", "-c", check], env={"CKAN_VERSION": version},
                                capture_output=True, text=True)
        assert (result.returncode == 0) is ok, (version, result.stderr)
        if not ok:
            assert "CKAN_VERSION must be 2.11.6 or 2.12.0" in result.stderr


def test_image_enables_the_local_plugins_with_envvars_last():
    template = (ROOT / "config" / "ckan.ini.tmpl").read_text()
    local = re.search(r"^ckan\.plugins\s*=\s*(.+)$", template, re.M).group(1).split()
    image = re.search(r'^ENV CKAN__PLUGINS="([^"]+)"$', DOCKERFILE.read_text(), re.M).group(1).split()
    assert image == local + ["envvars"]


def test_dockerfile_passes_hadolint():
    result = subprocess.run(
        [_tool("hadolint"), "--no-color", "--failure-threshold", "style", str(DOCKERFILE)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_rejects_a_careless_dockerfile(tmp_path):
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM ckan/ckan-base\nRUN cd /srv && pip install ckanext-foo\n")
    result = subprocess.run(
        [_tool("hadolint"), "--no-color", str(careless)], capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "DL3006" in result.stdout  # untagged image


def test_shell_scripts_pass_shellcheck():
    scripts = [START, HOOK, SOLR_CORE_SCRIPT]
    result = subprocess.run([_tool("shellcheck"), *map(str, scripts)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_secret_goes_into_the_image():
    dockerfile = DOCKERFILE.read_text()
    # SECRET_KEY is interpolated from the environment when CKAN reads ckan.ini
    assert '"SECRET_KEY=%(CKAN_SECRET_KEY)s"' in dockerfile
    assert not re.search(r"(PASSWORD|SECRET)[A-Z_]*=(?!%\()", dockerfile)
    # only named files are copied, and local secrets stay out of the context
    assert not re.search(r"^(COPY|ADD) \.\s", dockerfile, re.M)
    ignored = (DOCKER / "Dockerfile.dockerignore").read_text().split()
    assert {"ckan.ini", "local.env", "docker/.env", ".local", "**/*.mo"} <= set(ignored)


def test_ckan_reads_the_secret_key_from_the_environment(tmp_path, monkeypatch):
    """The image's ckan.ini says SECRET_KEY = %(CKAN_SECRET_KEY)s: CKAN fills
    in CKAN_* variables when it reads the file, and refuses to start without."""
    ini = tmp_path / "ckan.ini"
    ini.write_text(
        "[app:main]\nSECRET_KEY = %(CKAN_SECRET_KEY)s\n"
        "api_token.jwt.encode.secret = string:%(SECRET_KEY)s\n"
    )
    monkeypatch.setenv("CKAN_SECRET_KEY", "from-the-environment")
    config = CKANConfigLoader(str(ini)).get_config()
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["api_token.jwt.encode.secret"] == "string:from-the-environment"
    monkeypatch.delenv("CKAN_SECRET_KEY")
    with pytest.raises(Exception, match="CKAN_SECRET_KEY"):
        CKANConfigLoader(str(ini)).get_config()


def test_start_script_refuses_to_start_without_the_secret():
    env = {
        "PATH": os.environ["PATH"],
        "CKAN_SITE_URL": "http://localhost:5000",
        "CKAN_SQLALCHEMY_URL": "postgresql://ckan:x@db/ckan",
        "CKAN_SOLR_URL": "http://solr:8983/solr/ckan",
        "CKAN_REDIS_URL": "redis://redis:6379/0",
    }
    result = subprocess.run(["bash", str(START)], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "CKAN_SECRET_KEY not set" in result.stderr


# ---- start-up against the real PostgreSQL and Redis -------------------------

def _bootstrap(cli, **env: str):
    return cli.invoke(ckan_command, ["utt1service", "bootstrap-sysadmin"], env=env)


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestBootstrapSysadmin:
    ENV = {
        "CKAN_SYSADMIN_NAME": "office-admin",
        "CKAN_SYSADMIN_EMAIL": "admin@utt1.example",
        "CKAN_SYSADMIN_PASSWORD": "first-password-1",
    }

    def test_creates_the_sysadmin_once_and_keeps_its_password(self, cli):
        result = _bootstrap(cli, **self.ENV)
        assert result.exit_code == 0, result.output
        assert "created the sysadmin office-admin" in result.output
        user = model.User.get("office-admin")
        assert user.sysadmin and user.email == "admin@utt1.example"
        assert user.validate_password("first-password-1")

        # a restart, with the password line since changed in .env
        result = _bootstrap(cli, **{**self.ENV, "CKAN_SYSADMIN_PASSWORD": "another-pass-2"})
        assert result.exit_code == 0, result.output
        assert "exists (kept as it is)" in result.output
        model.Session.expire_all()
        user = model.User.get("office-admin")
        assert user.validate_password("first-password-1")
        assert not user.validate_password("another-pass-2")

    def test_makes_an_existing_user_sysadmin(self, cli):
        factories.User(name="office-admin")
        result = _bootstrap(cli, CKAN_SYSADMIN_NAME="office-admin")
        assert result.exit_code == 0, result.output
        assert "made the existing user office-admin sysadmin" in result.output
        model.Session.expire_all()
        assert model.User.get("office-admin").sysadmin

    def test_a_short_password_stops_the_start_with_ckans_reason(self, cli):
        result = _bootstrap(cli, **{**self.ENV, "CKAN_SYSADMIN_PASSWORD": "short"})
        assert result.exit_code == 1
        assert "cannot create the sysadmin office-admin" in result.output
        assert "8 characters" in result.output
        assert model.User.get("office-admin") is None

    def test_a_missing_password_is_named(self, cli):
        result = _bootstrap(cli, CKAN_SYSADMIN_NAME="office-admin",
                            CKAN_SYSADMIN_EMAIL="admin@utt1.example",
                            CKAN_SYSADMIN_PASSWORD="")
        assert result.exit_code == 1
        assert "CKAN_SYSADMIN_PASSWORD not set" in result.output

    def test_without_a_name_nothing_is_created(self, cli):
        result = _bootstrap(cli, CKAN_SYSADMIN_NAME="")
        assert result.exit_code == 0, result.output
        assert "no sysadmin created" in result.output
        sysadmins = {user.name for user in model.Session.query(model.User).filter_by(sysadmin=True)}
        assert sysadmins <= {tk.config["ckan.site_id"]}  # only CKAN's own site user


def _run_hook(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", f'. "{HOOK}"'],
        env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.heavy  # a minute or more: started first (tests/scheduling.py)
@pytest.mark.usefixtures("with_plugins")
def test_start_up_hook_migrates_an_empty_database_and_is_safe_to_restart(ckan_config):
    """What 50-utt1service.sh does in the container, on the suite's database:
    first start on an empty database, then a restart."""
    model.repo.clean_db()  # no table at all, as on a new PostgreSQL volume
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "CKAN_INI": ckan_config["__file__"],
        "CKAN_SYSADMIN_NAME": "office-admin",
        "CKAN_SYSADMIN_EMAIL": "admin@utt1.example",
        "CKAN_SYSADMIN_PASSWORD": "first-password-1",
    }
    from ckan.lib.i18n import get_js_translations_dir

    thai_scripts = os.path.join(get_js_translations_dir(), "th.js")
    if os.path.exists(thai_scripts):
        os.remove(thai_scripts)
    first = _run_hook(env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "created the sysadmin office-admin" in first.stdout
    # the Thai of CKAN's scripts, for /api/i18n/th under uWSGI
    assert os.path.getsize(thai_scripts) > 0

    inspector = sa.inspect(model.ensure_engine())
    for table in ("package", "activity", "utt1service_audit"):
        assert inspector.has_table(table), table
    user = model.User.get("office-admin")
    assert user.sysadmin and user.validate_password("first-password-1")

    again = _run_hook({**env, "CKAN_SYSADMIN_PASSWORD": "another-pass-2"})
    assert again.returncode == 0, again.stdout + again.stderr
    assert "exists (kept as it is)" in again.stdout
    model.Session.expire_all()
    assert model.User.get("office-admin").validate_password("first-password-1")


@pytest.mark.usefixtures("with_plugins")
def test_start_up_hook_stops_the_container_when_a_step_fails(ckan_config):
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "CKAN_INI": ckan_config["__file__"],
        "CKAN_SQLALCHEMY_URL": "postgresql://ckan:wrong@127.0.0.1:1/nowhere",
    }
    result = _run_hook(env)
    assert result.returncode == 1
    assert "start-up failed" in result.stderr


# ---- worker healthcheck -----------------------------------------------------

def _worker_health(redis_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(WORKER_HEALTH)],
        env={**os.environ, "CKAN_REDIS_URL": redis_url},
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.usefixtures("with_plugins")
def test_worker_healthcheck_follows_the_workers_registration_in_redis():
    redis_url = tk.config["ckan.redis.url"]
    worker = jobs.Worker()
    worker.register_birth()
    try:
        result = _worker_health(redis_url)
        assert result.returncode == 0, result.stdout
        assert worker.name in result.stdout
    finally:
        worker.register_death()
    result = _worker_health(redis_url)
    assert result.returncode == 1
    assert "no jobs worker" in result.stdout


def test_worker_healthcheck_fails_when_redis_is_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = _worker_health(f"redis://127.0.0.1:{port}/0")
    assert result.returncode == 1
    assert "cannot read the workers from Redis" in result.stdout
