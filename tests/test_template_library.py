"""Template administration without Qt: YAML written back, the site folder of published versions, the admin role."""

import dataclasses
import hashlib
import os
import re
import stat
import sys
import tomllib

import pytest

from app.admin_role import (AdminPolicy, AdminRoleError, admin_policy, authorize, current_user, hash_password,
                            user_groups, verify_password, write_password_hash)
from app.config_keys import ENV_NAMES
from app.template_library import TemplateLibrary, version_key
from cli_runner import tingji
from summarizer.qc_config import QcConfig
from summarizer.template_dump import dump_template
from summarizer.templates import Section, TemplateError, list_templates, parse_template


@pytest.fixture()
def site(tmp_path, monkeypatch):
    """An empty site folder named by the configuration, and no hospital file from the outside."""
    for variable in list(ENV_NAMES.values()) + ["TINGJI_HOME"]:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("TINGJI_CONFIG", str(tmp_path / "etc" / "tingji.toml"))
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "tingji.toml").write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = tmp_path / "site"
    monkeypatch.setenv("TINGJI_TEMPLATES_DIR", str(folder))
    return folder


def _edited(library, template_id="outpatient-initial", version="1.1", title="主诉（修订）"):
    """The newest version of a template with its first section retitled, as YAML."""
    base = library.find(template_id)
    first = dataclasses.replace(base.sections[0], title=title)
    return dump_template(dataclasses.replace(base, version=version, sections=(first, *base.sections[1:])))


def _same(a, b) -> bool:
    return dataclasses.replace(a, path="", sha256="") == dataclasses.replace(b, path="", sha256="")


# ------------------------------------------------------------------------------------------------ writing YAML
@pytest.mark.parametrize("template", list_templates(), ids=lambda t: t.id)
def test_dump_round_trips_every_bundled_template(template):
    text = dump_template(template)
    assert _same(parse_template(text), template)
    assert template.title in text and "\\u" not in text  # Chinese stays readable
    if template.qc.severities:
        assert "qc:" in text


def test_dump_keeps_every_field_even_text_that_looks_like_yaml():
    base = list_templates()[0]
    template = dataclasses.replace(
        base, version="2.10", description="第一行\n第二行: 仍是文字", patient_instructions=True,
        vocabulary=("off", "yes", "1.0", "null", "#号"), qc=QcConfig(12, (("section_length", "off"),)),
        sections=(Section("chief_complaint", "主诉", "症状: 时间", True, 15, "短", "咳嗽3天。", "10154-3",
                          ("发热", "no")),))
    again = parse_template(dump_template(template))
    assert _same(again, template)
    assert again.qc.severity("section_length") == "off" and again.sections[0].negatives == ("发热", "no")


# --------------------------------------------------------------------------------------------- the site folder
def test_publish_writes_a_new_read_only_version(site):
    library = TemplateLibrary()
    assert library.folder == site and library.next_version("outpatient-initial") == "1.1"
    published = library.publish(_edited(library), "李主任")
    file = site / "outpatient-initial" / "1.1.yaml"
    assert published.version == "1.1" and published.path == str(file)
    assert stat.S_IMODE(file.stat().st_mode) & 0o222 == 0  # read-only
    text = file.read_text(encoding="utf-8")
    assert text.startswith("# published by 李主任 on ") and published.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert library.find("outpatient-initial").sections[0].title == "主诉（修订）"
    assert library.find("outpatient-initial", "1.0").sections[0].title == "主诉"  # the bundled version stays
    assert [t.version for t in library.versions("outpatient-initial")] == ["1.0", "1.1"]
    assert {t.id: t.version for t in library.current()}["outpatient-initial"] == "1.1"
    assert len(library.current()) == len(list_templates())


def test_publish_refuses_a_version_that_is_not_newer(site):
    library = TemplateLibrary()
    library.publish(_edited(library), "李主任")
    before = (site / "outpatient-initial" / "1.1.yaml").read_bytes()
    for version in ("1.1", "1.0", "0.9"):
        with pytest.raises(TemplateError, match="not newer than the existing 1.1; publish it as 1.2") as caught:
            library.publish(_edited(library, version=version, title="别的标题"), "李主任")
        assert caught.value.field == "version"
    assert (site / "outpatient-initial" / "1.1.yaml").read_bytes() == before
    assert sorted(p.name for p in (site / "outpatient-initial").iterdir()) == ["1.1.yaml"]
    with pytest.raises(TemplateError, match="numbers separated by dots"):
        library.publish(_edited(library, version="1.2-beta"), "李主任")


def test_publish_refuses_invalid_yaml_naming_the_field(site):
    library = TemplateLibrary()
    text = _edited(library).replace("max_length: 20", "max_length: -3")
    with pytest.raises(TemplateError) as caught:
        library.publish(text, "李主任")
    assert caught.value.field == "sections[0].max_length" and caught.value.line > 0
    with pytest.raises(TemplateError, match="sections"):
        library.publish(text.split("sections:")[0], "李主任")
    assert not site.exists() or not any(site.rglob("*.yaml"))


def test_versions_compare_as_numbers(site):
    assert version_key("1.10") > version_key("1.9") > version_key("1.2") > version_key("1.0")
    library = TemplateLibrary()
    library.publish(_edited(library, version="1.9", title="九"), "a")
    assert library.next_version("outpatient-initial") == "1.10"
    library.publish(_edited(library, version="1.10", title="十"), "a")
    newest = library.find("outpatient-initial")
    assert (newest.version, newest.sections[0].title) == ("1.10", "十")
    assert library.next_version("outpatient-initial") == "1.11" and library.next_version("new-template") == "1.0"
    (site / "outpatient-initial" / "1.11.yaml").write_text("id: [broken", encoding="utf-8")  # skipped, not fatal
    assert library.find("outpatient-initial").version == "1.10"


def test_a_new_record_carries_the_newest_published_version(site):
    from app.commands.note import build_note
    from app.sample_visit import load_sample_visit

    library = TemplateLibrary()
    published = library.publish(_edited(library), "李主任")
    sample = load_sample_visit()
    record = build_note(sample.utterances, "outpatient-initial", sample.id)
    provenance = record.provenance
    assert (provenance.template_id, provenance.template_version, provenance.template_sha256) == \
        ("outpatient-initial", "1.1", published.sha256)
    assert record.emr_text().startswith("主诉（修订）：")
    from app.template_library import template_for_record

    assert template_for_record(dataclasses.replace(provenance, template_version="1.0")).version == "1.0"


def test_import_and_export(site, tmp_path):
    library = TemplateLibrary()
    bundled = library.find("surgery-initial")
    exported = library.export(bundled, tmp_path / "surgery.yaml")
    assert exported.read_text(encoding="utf-8") == open(bundled.path, encoding="utf-8").read()  # its own text
    draft = dataclasses.replace(bundled, title="外科初诊（草稿）", path="", sha256="")
    library.export(draft, tmp_path / "draft.yaml")
    imported, text = library.import_file(tmp_path / "draft.yaml")
    assert _same(imported, draft) and "外科初诊（草稿）" in text
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("required: true", "required: maybe", 1), encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        library.import_file(broken)
    assert caught.value.path == str(broken) and caught.value.line > 0 and caught.value.field.endswith(".required")
    with pytest.raises(TemplateError, match="file not found"):
        library.import_file(tmp_path / "missing.yaml")


def test_cli_lists_and_shows_published_versions(site, tmp_path):
    library = TemplateLibrary()
    library.publish(_edited(library), "李主任")
    env = {"TINGJI_TEMPLATES_DIR": str(site), "TINGJI_CONFIG": str(tmp_path / "etc" / "tingji.toml")}
    proc, attempts = tingji("templates", "list", tmp_path=tmp_path, env_extra=env)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^outpatient-initial\t1\.1\t", proc.stdout, re.M)
    proc, _ = tingji("templates", "show", "outpatient-initial", tmp_path=tmp_path, env_extra=env)
    assert "outpatient-initial 1.1" in proc.stdout and "主诉（修订）" in proc.stdout
    assert attempts == ""


# ------------------------------------------------------------------------------------------------ admin role
def test_admin_password_hash_verifies_and_refuses(site):
    encoded = hash_password("correct horse")
    assert re.fullmatch(r"scrypt\$16384\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}", encoded)
    assert encoded != hash_password("correct horse")  # salted
    assert verify_password("correct horse", encoded) and not verify_password("correct hors", encoded)
    with pytest.raises(ValueError, match="at least 8"):
        hash_password("short")
    with pytest.raises(AdminRoleError) as caught:
        verify_password("x", "md5$abc")
    assert caught.value.reason == "bad-hash"

    with pytest.raises(AdminRoleError, match="tingji admin set-password --write") as caught:
        authorize("anything", policy=AdminPolicy("password"))
    assert caught.value.reason == "no-password"
    with pytest.raises(AdminRoleError) as caught:
        authorize("wrong password", policy=AdminPolicy("password", password_hash=encoded))
    assert caught.value.reason == "wrong-password"
    assert authorize("correct horse", policy=AdminPolicy("password", password_hash=encoded)) == current_user()


def test_the_password_hash_comes_from_the_hospital_file_only(site, tmp_path):
    from app.config import load_config, user_settings_path

    encoded = hash_password("correct horse")
    write_password_hash(tmp_path / "etc" / "tingji.toml", encoded)
    user = user_settings_path()
    user.parent.mkdir(parents=True)
    user.write_text(f'[admin]\npassword_hash = "{hash_password("doctor wants in")}"\n', encoding="utf-8")
    policy = admin_policy()
    assert (policy.policy, policy.password_hash) == ("password", encoded)
    assert any(p.key == "admin.password_hash" and "hospital file" in p.message for p in load_config().problems)
    (tmp_path / "etc" / "tingji.toml").write_text('[admin]\npassword_hash = "plain-text"\n')
    assert admin_policy().password_hash == "" and "set-password" in load_config().problems[0].message


def test_group_policy_with_injected_membership(monkeypatch):
    policy = AdminPolicy("group", "tingji-admins")
    assert authorize(policy=policy, groups=lambda user: {"staff", "tingji-admins"}) == current_user()
    with pytest.raises(AdminRoleError, match="not in the OS group tingji-admins") as caught:
        authorize(policy=policy, groups=lambda user: {"staff"})
    assert caught.value.reason == "not-in-group"
    with pytest.raises(AdminRoleError) as caught:
        authorize(policy=AdminPolicy("group", ""), groups=lambda user: {"tingji-admins"})
    assert caught.value.reason == "no-group"
    import grp

    assert grp.getgrgid(os.getgid()).gr_name in user_groups()
    monkeypatch.setitem(sys.modules, "grp", None)  # as on Windows
    with pytest.raises(AdminRoleError, match="admin.policy = \"password\"") as caught:
        authorize(policy=policy)
    assert caught.value.reason == "unsupported"


def test_cli_set_password_prints_or_writes_the_hash(tmp_path):
    hospital = tmp_path / "tingji.toml"
    hospital.write_text('# installed by IT\nlanguage = "zh"\n\n[admin]\npolicy = "password"\n', encoding="utf-8")
    env = {"TINGJI_CONFIG": str(hospital)}
    proc, attempts = tingji("admin", "set-password", "--stdin", tmp_path=tmp_path, env_extra=env,
                            stdin="s3cret-admin\n")
    assert proc.returncode == 0, proc.stderr
    printed = tomllib.loads(proc.stdout)["admin"]["password_hash"]
    assert verify_password("s3cret-admin", printed) and str(hospital) in proc.stderr
    assert "password_hash" not in hospital.read_text(encoding="utf-8")  # printed only

    proc, _ = tingji("admin", "set-password", "--stdin", "--write", tmp_path=tmp_path, env_extra=env,
                     stdin="s3cret-admin\n")
    assert proc.returncode == 0, proc.stderr
    text = hospital.read_text(encoding="utf-8")
    assert text.startswith("# installed by IT\n")
    data = tomllib.loads(text)
    assert data["language"] == "zh" and data["admin"]["policy"] == "password"
    assert verify_password("s3cret-admin", data["admin"]["password_hash"])
    assert not verify_password("s3cret-admin", printed.replace(printed[-4:], "0000"))

    proc, _ = tingji("admin", "set-password", "--stdin", tmp_path=tmp_path, env_extra=env, stdin="short\n")
    assert proc.returncode == 1 and "at least 8" in proc.stderr
    assert attempts == ""
