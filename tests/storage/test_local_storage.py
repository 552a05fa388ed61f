"""The local document storage: random names, hash, size, sniffing, limit, nothing left behind."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from mes_app.domain.errors import NotFound, ValidationError
from mes_app.storage import LocalStorage, TooLarge

PDF = b"%PDF-1.4\n" + b"0123456789" * 500 + b"\n%%EOF\n"


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


def put(storage: LocalStorage, data: bytes, *, max_bytes: int = 1_000_000, chunk: int = 1000):
    writer = storage.begin(max_bytes)
    for i in range(0, len(data), chunk):
        writer.write(data[i : i + chunk])
    return writer.commit()


def test_a_file_is_stored_under_a_random_name_with_its_hash_size_and_sniffed_type(storage):
    stored = put(storage, PDF)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.size_bytes == len(PDF)
    assert stored.mime_type == "application/pdf"
    assert len(stored.key) == 32 and all(c in "0123456789abcdef" for c in stored.key)
    assert b"".join(storage.open(stored.key)) == PDF
    [path] = storage.stored_files()
    assert path.name == stored.key and "pdf" not in path.name
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert storage.partial_files() == []


def test_the_same_content_twice_gets_two_different_names(storage):
    first, second = put(storage, PDF), put(storage, PDF)
    assert first.key != second.key and first.sha256 == second.sha256


def test_sniffing_works_when_the_magic_bytes_arrive_in_tiny_chunks(storage):
    assert put(storage, PDF, chunk=1).mime_type == "application/pdf"


def test_over_the_limit_stops_at_once_and_leaves_nothing(storage):
    writer = storage.begin(max_bytes=5000)
    writer.write(PDF[:4000])
    with pytest.raises(TooLarge) as caught:
        writer.write(PDF[4000:])
    assert caught.value.code == "error.document_too_large"
    assert storage.partial_files() == [] and storage.stored_files() == []


def test_exactly_the_limit_is_accepted(storage):
    assert put(storage, PDF, max_bytes=len(PDF)).size_bytes == len(PDF)


def test_an_empty_file_is_refused_and_leaves_nothing(storage):
    writer = storage.begin(1000)
    with pytest.raises(ValidationError) as caught:
        writer.commit()
    assert caught.value.code == "error.document_empty"
    assert storage.partial_files() == [] and storage.stored_files() == []


@pytest.mark.parametrize("data", [b"MZ\x90\x00" + b"\x00" * 100, b"<html><script>alert(1)</script></html>"])
def test_a_disguised_file_is_refused_and_leaves_nothing(storage, data):
    with pytest.raises(ValidationError) as caught:
        put(storage, data)
    assert caught.value.code == "error.document_type_not_allowed"
    assert storage.partial_files() == [] and storage.stored_files() == []


def test_an_aborted_upload_leaves_nothing(storage):
    writer = storage.begin(1_000_000)
    writer.write(PDF[:100])
    writer.abort()
    writer.abort()  # idempotent
    assert storage.partial_files() == [] and storage.stored_files() == []


def test_delete_erases_the_file(storage):
    stored = put(storage, PDF)
    storage.delete(stored.key)
    assert not storage.exists(stored.key)
    with pytest.raises(NotFound):
        storage.open(stored.key)
    storage.delete(stored.key)  # no error the second time


@pytest.mark.parametrize("key", ["../../etc/passwd", "a" * 31, "A" * 32, "", None, "0" * 32 + "/x"])
def test_keys_that_are_not_ours_never_reach_the_file_system(storage, key):
    with pytest.raises(NotFound):
        storage.open(key)
    assert not storage.exists(key)


# --------------------------------------------------------------- what a killed writer leaves (issue 14 item 4)

_KILLED_WRITER = """
import os, sys
from mes_app.storage import LocalStorage
storage = LocalStorage(sys.argv[1])
half = storage.begin(1_000_000)
half.write(b"%PDF-1.4 half of it")
whole = storage.begin(1_000_000)
whole.write(b"%PDF-1.4 all of it")
print(whole.commit().key, flush=True)  # stored, its row never committed
os._exit(0)  # as after kill -9: no clean-up of any kind
"""


def _killed_writer(root) -> str:  # noqa: ANN001 - a folder
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(root)], capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout.strip()


def test_the_sweep_erases_what_a_dead_writer_left_and_nothing_else(storage):
    kept = put(storage, PDF)  # a document whose row exists
    orphan = _killed_writer(storage.root)
    assert len(storage.partial_files()) == 1 and storage.exists(orphan)
    asked: list[list[str]] = []

    def referenced(keys: list[str]) -> set[str]:
        asked.append(sorted(keys))
        return {kept.key} & set(keys)

    assert storage.sweep(referenced) == (1, 1)
    assert asked == [sorted([kept.key, orphan])]
    assert storage.partial_files() == [] and not storage.exists(orphan)
    assert b"".join(storage.open(kept.key)) == PDF


def test_the_sweep_leaves_a_live_writer_alone(storage):
    """Another worker sharing the folder: its file being written, and its file stored whose
    row is not committed yet, stay until it releases them."""
    writing = storage.begin(1_000_000)
    writing.write(PDF[:100])
    stored_writer = storage.begin(1_000_000)
    stored_writer.write(PDF)
    stored = stored_writer.commit()
    assert storage.sweep(lambda keys: set()) == (0, 0)
    assert len(storage.partial_files()) == 1 and storage.exists(stored.key)
    stored_writer.release()  # the row is committed: the lock goes, then no row names it: an orphan
    writing.abort()
    assert storage.sweep(lambda keys: set()) == (0, 1)
    assert not storage.exists(stored.key)
