"""Which files the loader hands to worker processes."""

from __future__ import annotations

from types import SimpleNamespace

from tiemnang.sources import loader


def _files(*paths: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(path=p) for p in paths]


def test_two_large_files_of_a_delivery_go_to_workers_one_alone_does_not(monkeypatch):
    monkeypatch.setattr(loader, "_is_large", lambda f: f.path != "small.csv")
    workers = loader._Workers("unused")
    both = _files("persons.csv", "coverage.csv", "small.csv")
    workers.choose(both)
    assert [f.path for f in both if workers.takes(f)] == ["persons.csv", "coverage.csv"]
    alone = _files("persons.csv", "small.csv")
    workers.choose(alone)
    assert not any(workers.takes(f) for f in alone)


def test_a_daemonic_task_process_loads_its_large_files_itself(monkeypatch):
    # some executors run tasks in daemonic pool processes, which may not start children
    monkeypatch.setattr(loader, "_is_large", lambda f: True)
    monkeypatch.setattr(loader.multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    workers = loader._Workers("unused")
    files = _files("persons.csv", "coverage.csv")
    workers.choose(files)
    assert not any(workers.takes(f) for f in files)
