"""The window's link to the store: a store that fails is reported and never stops the visit."""

from app.ui.visit_archive import VisitArchive


class BrokenStore:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise OSError(28, "No space left on device")
        return fail


def test_a_failing_store_is_reported_and_the_visit_goes_on():
    archive = VisitArchive(BrokenStore())
    archive.log("copy", "v1", {"format": "emr-text"})
    assert archive.audio("v1", "/nonexistent.flac") is False
    assert len(archive.problems) == 2 and all("No space left" in p for p in archive.problems)


def test_without_a_store_nothing_is_kept_and_nothing_fails():
    archive = VisitArchive(None)
    assert archive.today() == [] and archive.audio("v1", "x.flac") is False and archive.problems == []


def test_an_unopenable_store_says_why(tmp_path):
    broken = tmp_path / "tingji.db"
    broken.write_bytes(b"this is not a database" * 100)
    archive = VisitArchive.open(broken)
    assert archive.store is None and "cannot be opened" in archive.problems[0]
