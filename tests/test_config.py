"""Layered configuration: hospital file → user settings → environment, with sources and named problems."""

import json
import tomllib

import pytest

from app.config import ConfigError, load_config, save_user_setting, user_settings_path
from app.config_keys import ENV_NAMES
from cli_runner import tingji


@pytest.fixture()
def layers(tmp_path, monkeypatch):
    """An empty hospital file and user folder, with no TINGJI_* variable from the outside."""
    for variable in list(ENV_NAMES.values()) + ["TINGJI_HOME", "TINGJI_CONFIG", "TINGJI_SERVER_API_KEY"]:
        monkeypatch.delenv(variable, raising=False)
    hospital = tmp_path / "etc" / "tingji.toml"
    hospital.parent.mkdir()
    hospital.write_text("")
    monkeypatch.setenv("TINGJI_CONFIG", str(hospital))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return hospital


def _user_file(text):
    path = user_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_nothing_is_configured(layers):
    config = load_config()
    assert config.problems == []
    assert config.values["log.level"] == "INFO" and config.sources["log.level"] == "default"
    assert config.values["server.url"] is None and config.values["admin.policy"] == "password"


def test_env_overrides_user_overrides_hospital(layers, monkeypatch):
    layers.write_text('language = "zh"\n[server]\nurl = "http://10.0.0.5:8000/v1"\nmodel = "qwen-7b"\n'
                      '[default]\ndepartment = "内科"\n[log]\nlevel = "warning"\n')
    user = _user_file('[server]\nurl = "http://10.0.0.6:8000/v1"\n[default]\ndepartment = "儿科"\n')
    monkeypatch.setenv("TINGJI_SERVER_URL", "https://llm.hospital.local/v1/")
    config = load_config()
    assert config.values["server.url"] == "https://llm.hospital.local/v1"
    assert config.sources["server.url"] == "environment TINGJI_SERVER_URL"
    assert config.values["default.department"] == "儿科" and str(user) in config.sources["default.department"]
    assert config.values["server.model"] == "qwen-7b" and str(layers) in config.sources["server.model"]
    assert config.values["log.level"] == "WARNING"
    assert config.problems == []


@pytest.mark.parametrize("text, key, message", [
    ("[retention]\naudio_days = \"30\"\n", "retention.audio_days", "must be an integer"),
    ("[retention]\naudio_days = -1\n", "retention.audio_days", "0 or more"),
    ("[retention]\naudio_days = true\n", "retention.audio_days", "must be an integer"),
    ("[server]\nurl = \"ftp://x\"\n", "server.url", "http:// or https://"),
    ("[server]\nurl = 5\n", "server.url", "must be a string"),
    ("[sever]\nurl = \"http://x\"\n", "sever.url", "unknown key"),
    ("[admin]\npolicy = \"anyone\"\n", "admin.policy", "password, group"),
    ("[log]\nlevel = \"LOUD\"\n", "log.level", "must be one of"),
    ("language = \"中文\"\n", "language", "language code"),
])
def test_invalid_hospital_values_are_reported_with_file_and_key(layers, text, key, message):
    layers.write_text(text, encoding="utf-8")
    config = load_config()
    [problem] = config.problems
    assert (problem.where, problem.key) == (str(layers), key) and message in problem.message
    if key in config.values:
        assert config.sources[key] == "default"  # the invalid value is ignored


def test_broken_toml_is_reported_and_ignored(layers):
    layers.write_text("[server\nurl = 1")
    config = load_config()
    assert len(config.problems) == 1 and config.problems[0].where == str(layers)
    assert "TOML" in config.problems[0].message


def test_missing_file_named_by_tingji_config_is_a_problem(layers, monkeypatch):
    monkeypatch.setenv("TINGJI_CONFIG", str(layers.parent / "nope.toml"))
    assert "does not exist" in load_config().problems[0].message


def test_admin_policy_comes_from_the_hospital_file_only(layers):
    layers.write_text('[admin]\npolicy = "group"\ngroup = "tingji-admins"\n')
    _user_file('[admin]\npolicy = "password"\n')
    config = load_config()
    assert config.values["admin.policy"] == "group" and config.values["admin.group"] == "tingji-admins"
    assert config.problems[0].key == "admin.policy" and "hospital file" in config.problems[0].message
    with pytest.raises(ConfigError, match="hospital file"):
        save_user_setting("admin.policy", "group")


def test_environment_values_are_converted_and_checked(layers, monkeypatch):
    monkeypatch.setenv("TINGJI_RETENTION_AUDIO_DAYS", "14")
    assert load_config().values["retention.audio_days"] == 14
    monkeypatch.setenv("TINGJI_RETENTION_AUDIO_DAYS", "-3")
    config = load_config()
    assert config.values["retention.audio_days"] is None
    assert config.problems[0].where == "environment TINGJI_RETENTION_AUDIO_DAYS"


def test_save_user_setting_round_trip(layers):
    path = save_user_setting("default.department", "心内科")
    save_user_setting("retention.audio_days", "7")
    save_user_setting("language", "en")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data == {"language": "en", "default": {"department": "心内科"}, "retention": {"audio_days": 7}}
    config = load_config()
    assert config.values["default.department"] == "心内科" and "user settings" in config.sources["language"]
    save_user_setting("language", None)
    assert "language" not in tomllib.loads(path.read_text(encoding="utf-8"))
    with pytest.raises(ConfigError, match="0 or more"):
        save_user_setting("retention.audio_days", -1)
    with pytest.raises(ConfigError, match="unknown setting"):
        save_user_setting("colour", "blue")


def test_models_dir_follows_configuration_unless_tingji_home(layers, monkeypatch, tmp_path):
    from app.paths import models_dir

    assert models_dir() == tmp_path / "data" / "tingji" / "models"
    layers.write_text(f'models_dir = "{tmp_path / "shared-models"}"\n')
    assert models_dir() == tmp_path / "shared-models"
    monkeypatch.setenv("TINGJI_HOME", str(tmp_path / "home"))
    assert models_dir() == tmp_path / "home" / "models"
    assert load_config().sources["models_dir"] == "environment TINGJI_HOME"
    monkeypatch.setenv("TINGJI_MODELS_DIR", str(tmp_path / "env-models"))
    assert models_dir() == tmp_path / "env-models"
    assert load_config().sources["models_dir"] == "environment TINGJI_MODELS_DIR"


def test_cli_config_show_and_set(tmp_path):
    hospital = tmp_path / "tingji.toml"
    hospital.write_text('[server]\nurl = "http://10.1.2.3:8000/v1"\n[retention]\naudio_days = "x"\n')
    env = {"TINGJI_CONFIG": str(hospital)}
    proc, _ = tingji("config", "set", "default.template", "outpatient-followup", tmp_path=tmp_path, env_extra=env)
    assert proc.returncode == 0, proc.stderr
    proc, attempts = tingji("config", "show", "--json", tmp_path=tmp_path, env_extra=env)
    assert proc.returncode == 1  # the invalid entry is reported
    assert f"{hospital}: retention.audio_days" in proc.stderr
    data = json.loads(proc.stdout)
    assert data["values"]["server.url"] == {"value": "http://10.1.2.3:8000/v1", "source": f"hospital file {hospital}"}
    assert data["values"]["default.template"]["value"] == "outpatient-followup"
    assert "user settings" in data["values"]["default.template"]["source"]
    proc, _ = tingji("config", "show", tmp_path=tmp_path, env_extra={**env, "TINGJI_LOG_LEVEL": "debug"})
    assert "DEBUG" in proc.stdout and "environment TINGJI_LOG_LEVEL" in proc.stdout
    proc, _ = tingji("config", "set", "server.url", "not a url", tmp_path=tmp_path, env_extra=env)
    assert proc.returncode == 1 and "server.url" in proc.stderr
    assert attempts == ""
