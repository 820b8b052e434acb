"""Model packs: build, verify before copying, atomic install, list/verify/remove, zip slip, the verification cache."""

import json
import os
import shutil
import zipfile

import pytest

import asr.manifest as manifest_module
from app.installed_models import find_installed, installed_models, remove_model, runtime_status
from app.model_packs import PackError, build_pack, install_pack, verify_pack
from asr.manifest import ManifestError, verify_manifest
from cli_runner import tingji


@pytest.fixture()
def pack(tiny_whisper, tmp_path):
    folder = tmp_path / "pack"
    shutil.copytree(tiny_whisper, folder)
    build_pack(folder, kind="asr", name="whisper-tiny", version="1.0", licence="MIT", source="random weights",
               hardware="any CPU")
    return folder


def _flip_byte(path, offset=-10):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _leftovers(root):
    return [p.name for p in (root / "asr").iterdir() if p.name.startswith(".")] if (root / "asr").exists() else []


def test_pack_manifest_holds_the_metadata_and_every_file(pack):
    data = json.loads((pack / "manifest.json").read_text())
    assert (data["kind"], data["name"], data["version"], data["licence"]) == ("asr", "whisper-tiny", "1.0", "MIT")
    assert data["runtime"] == "ctranslate2>=4" and data["hardware"] == "any CPU" and data["format"]
    assert set(data["files"]) == {p.name for p in pack.iterdir() if p.name != "manifest.json"}
    assert data["files"]["model.bin"]["size"] == (pack / "model.bin").stat().st_size


def test_pack_refuses_a_folder_without_the_kinds_main_file(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "config.json").write_text("{}")
    with pytest.raises(PackError, match="no model.bin"):
        build_pack(tmp_path / "x", kind="asr", name="x", version="1")
    assert not (tmp_path / "x" / "manifest.json").exists()
    with pytest.raises(PackError, match="may only use"):
        build_pack(tmp_path / "x", kind="asr", name="../evil", version="1")


def test_install_folder_pack_copies_verified_files(pack, tmp_path):
    root = tmp_path / "models"
    info, folder = install_pack(pack, root=root)
    assert folder == root / "asr" / "whisper-tiny-1.0" and info.files == 5
    assert (folder / "model.bin").read_bytes() == (pack / "model.bin").read_bytes()
    verify_manifest(folder, allow_extra=False)
    [model] = installed_models(root)
    assert (model.kind, model.name, model.version, model.state) == ("asr", "whisper-tiny", "1.0", "verified")
    assert model.size > (pack / "model.bin").stat().st_size


def test_install_zip_pack_with_a_top_folder(pack, tmp_path):
    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for p in pack.iterdir():
            out.write(p, f"whisper-tiny/{p.name}")
    _, folder = install_pack(archive, root=tmp_path / "models")
    verify_manifest(folder, allow_extra=False)


def test_pack_zip_written_by_build_pack_installs(tiny_whisper, tmp_path):
    folder = tmp_path / "src"
    shutil.copytree(tiny_whisper, folder)
    build_pack(folder, kind="asr", name="w", version="2", zip_out=tmp_path / "w.zip")
    assert verify_pack(tmp_path / "w.zip").name == "w"
    _, installed = install_pack(tmp_path / "w.zip", root=tmp_path / "models")
    assert installed.name == "w-2"


@pytest.mark.parametrize("damage, bad", [
    (lambda p: _flip_byte(p / "model.bin"), "model.bin does not match its sha256"),
    (lambda p: (p / "tokenizer.json").unlink(), "tokenizer.json is missing from the pack"),
    (lambda p: (p / "config.json").write_text("{}"), "config.json has 2 bytes"),
])
def test_tampered_or_incomplete_pack_is_refused_before_copying(pack, tmp_path, damage, bad):
    damage(pack)
    root = tmp_path / "models"
    with pytest.raises(PackError, match=bad) as caught:
        install_pack(pack, root=root)
    assert caught.value.bad_files == [bad.split()[0]]
    assert not (root / "asr" / "whisper-tiny-1.0").exists() and _leftovers(root) == []
    with pytest.raises(PackError, match=bad):
        verify_pack(pack)


def test_nothing_is_written_before_every_file_verified(pack, tmp_path, monkeypatch):
    import app.model_packs as packs

    written = []
    real = packs._copy_hashed
    monkeypatch.setattr(packs, "_copy_hashed", lambda opener, size, target: (
        written.append(target) if target else None, real(opener, size, target))[1])
    _flip_byte(pack / "vocabulary.json")  # sorted after config.json and model.bin
    with pytest.raises(PackError, match="vocabulary.json"):
        install_pack(pack, root=tmp_path / "models")
    assert written == [] and not (tmp_path / "models" / "asr").exists()


def test_zip_with_a_changed_member_is_refused(pack, tmp_path):
    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        for p in sorted(pack.iterdir()):
            data = p.read_bytes()
            if p.name == "vocabulary.json":
                data = data.replace(b'"', b"'", 1)  # same size, another content, valid zip
            out.writestr(p.name, data)
    with pytest.raises(PackError, match="vocabulary.json does not match") as caught:
        install_pack(archive, root=tmp_path / "models")
    assert caught.value.bad_files == ["vocabulary.json"]


def test_zip_with_a_flipped_byte_on_disk_is_refused_with_the_file_named(pack, tmp_path):
    archive = tmp_path / "pack.zip"
    build_pack(pack, kind="asr", name="whisper-tiny", version="1.0", zip_out=archive)
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo("model.bin")
    raw = bytearray(archive.read_bytes())
    raw[info.header_offset + 30 + len("model.bin") + 100] ^= 0xFF  # inside model.bin's stored data
    archive.write_bytes(bytes(raw))
    with pytest.raises(PackError, match="model.bin") as caught:
        install_pack(archive, root=tmp_path / "models")
    assert caught.value.bad_files == ["model.bin"]


@pytest.mark.parametrize("evil", ["../evil.txt", "/tmp/evil.txt", "a/../../evil.txt", "C:/evil.txt", "a\\..\\x"])
def test_zip_slip_names_are_refused(pack, tmp_path, evil):
    data = json.loads((pack / "manifest.json").read_text())
    data["files"][evil] = {"sha256": "0" * 64, "size": 1}
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("manifest.json", json.dumps(data))
        out.writestr(evil, "x")
        for p in pack.iterdir():
            if p.name != "manifest.json":
                out.write(p, p.name)
    with pytest.raises(ManifestError, match="outside the model folder"):
        install_pack(archive, root=tmp_path / "models" / "deep")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "models" / "evil.txt").exists()


def test_unlisted_zip_members_are_not_extracted(pack, tmp_path):
    archive = tmp_path / "extra.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for p in pack.iterdir():
            out.write(p, p.name)
        out.writestr("../../outside.txt", "x")
    _, folder = install_pack(archive, root=tmp_path / "models")
    assert not (tmp_path / "outside.txt").exists() and not (folder / "outside.txt").exists()


def test_already_installed_needs_replace_and_remove_deletes(pack, tmp_path):
    root = tmp_path / "models"
    install_pack(pack, root=root)
    with pytest.raises(PackError, match="already installed"):
        install_pack(pack, root=root)
    _, folder = install_pack(pack, root=root, replace=True)
    assert folder.is_dir() and _leftovers(root) == []
    with pytest.raises(PackError, match="no installed model"):
        remove_model("nope", root=root)
    assert remove_model("whisper-tiny", root=root) == folder and not folder.exists()


def test_find_installed_uses_verified_models_only(pack, tmp_path):
    root = tmp_path / "models"
    _, folder = install_pack(pack, root=root)
    assert find_installed("asr", root=root) == folder
    _flip_byte(folder / "model.bin")
    with pytest.raises(ManifestError, match="model.bin does not match") as caught:
        find_installed("asr", root=root)
    assert caught.value.bad_files == ["model.bin"]
    shutil.copytree(pack, root / "asr" / "b-good")  # a second, intact copy is preferred to the broken one
    assert find_installed("asr", root=root) == root / "asr" / "b-good"


def test_verification_cache_skips_hashing_but_catches_a_changed_byte(pack, tmp_path, monkeypatch):
    monkeypatch.setattr(manifest_module, "_RACY_S", 0.0)
    manifest_module.set_verification_cache(tmp_path / "cache.json")
    try:
        verify_manifest(pack)
        assert str(pack.resolve()) in json.loads((tmp_path / "cache.json").read_text())
        real = manifest_module.sha256_file
        monkeypatch.setattr(manifest_module, "sha256_file", lambda p: pytest.fail("hashed again"))
        verify_manifest(pack)  # unchanged stats: no hashing
        stat = (pack / "model.bin").stat()
        _flip_byte(pack / "model.bin")
        os.utime(pack / "model.bin", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # mtime put back; ctime moves on
        monkeypatch.setattr(manifest_module, "sha256_file", real)
        with pytest.raises(ManifestError, match="model.bin does not match"):
            verify_manifest(pack)
        with pytest.raises(ManifestError):
            verify_manifest(pack, use_cache=True)
    finally:
        manifest_module.set_verification_cache(None)


def test_runtime_requirements_are_checked():
    assert runtime_status("ctranslate2>=4")[0] is True
    assert runtime_status("ctranslate2>=99")[0] is False
    assert runtime_status("pyannote.audio 4.x")[0] is None
    assert runtime_status("no-such-package>=1")[0] is None


def test_cli_pack_install_list_verify_remove(tiny_whisper, tmp_path):
    folder = tmp_path / "src"
    shutil.copytree(tiny_whisper, folder)
    proc, attempts = tingji("models", "pack", "--kind", "asr", "--name", "w", "--version", "1", "--licence", "MIT",
                            folder, "--zip", tmp_path / "w.zip", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc, _ = tingji("models", "install", tmp_path / "w.zip", tmp_path=tmp_path)
    assert proc.returncode == 0 and "verified" in proc.stdout, proc.stderr
    proc, _ = tingji("models", "list", tmp_path=tmp_path)
    assert "w " in proc.stdout and "verified" in proc.stdout
    installed = tmp_path / "home" / "models" / "asr" / "w-1"
    _flip_byte(installed / "model.bin")
    proc, _ = tingji("models", "verify", tmp_path=tmp_path)
    assert proc.returncode == 1 and "FAILED" in proc.stdout and "model.bin" in proc.stdout
    proc, _ = tingji("sample", tmp_path=tmp_path)  # the app refuses the tampered installed model
    assert proc.returncode == 1 and "model.bin" in proc.stderr
    _flip_byte(folder / "tokenizer.json")
    proc, _ = tingji("models", "install", folder, "--replace", tmp_path=tmp_path)
    assert proc.returncode == 1 and "tokenizer.json" in proc.stderr
    proc, _ = tingji("models", "remove", "w-1", tmp_path=tmp_path)
    assert proc.returncode == 0 and not installed.exists()
    assert attempts == ""
