"""One fingerprint module for every cache key: the lock file and the libraries' versions count."""
from __future__ import annotations

import sys

import pytest

from borderland import fingerprint, paths


@pytest.fixture
def lock(tmp_path, monkeypatch):
    path = tmp_path / "requirements.lock"
    path.write_text("pandas==3.1.1\n")
    monkeypatch.setattr(paths, "LOCK", path)
    return path


def _keys() -> dict[str, str]:
    return {"tables": fingerprint.tables_key(paths.DATA), "code": fingerprint.code(),
            "environment": fingerprint.environment()}


def test_the_lock_text_changes_every_key(lock):
    before = _keys()
    assert _keys() == before  # same inputs, same keys
    lock.write_text("pandas==3.1.2\n")
    after = _keys()
    assert all(after[k] != before[k] for k in before), (before, after)


def test_a_library_version_changes_the_table_cache_key(lock, monkeypatch):
    before = _keys()
    real = fingerprint.metadata.version
    monkeypatch.setattr(fingerprint.metadata, "version",
                        lambda name: "0.0-other" if name == "pandas" else real(name))
    after = _keys()
    assert all(after[k] != before[k] for k in before)


def test_the_python_version_changes_the_table_cache_key(lock, monkeypatch):
    before = fingerprint.tables_key(paths.DATA)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert fingerprint.tables_key(paths.DATA) != before


def test_a_missing_library_is_named_not_fatal(monkeypatch):
    assert fingerprint.versions(["no-such-library-here"]) == {"no-such-library-here": "-"}


def test_the_data_hash_is_the_sha256_of_names_and_bytes(tmp_path):
    import hashlib

    from borderland.schema import TABLES

    digest = hashlib.sha256()
    for table in TABLES.values():
        digest.update(table.file.encode() + b"<missing>")
    assert fingerprint.data_hash(tmp_path) == digest.hexdigest()


def test_job_keys_differ_by_parameters_and_data(tmp_path):
    notebook = tmp_path / "n.ipynb"
    notebook.write_text("{}")
    one = fingerprint.job_key(notebook, {"as_of": "2013-01-01"}, "d", "c")
    assert one == fingerprint.job_key(notebook, {"as_of": "2013-01-01"}, "d", "c")
    assert one != fingerprint.job_key(notebook, {"as_of": "2013-01-02"}, "d", "c")
    assert one != fingerprint.job_key(notebook, {"as_of": "2013-01-01"}, "e", "c")
