"""A saved network run repeats with --from however many parameters it has: its
drawn start is recorded by the seed, so the settings at the head stay small."""

from __future__ import annotations

import json

import pytest

from solvers.chapters.registry import spec_of
from solvers.core.validation import SettingError
from solvers.records.saved_run import HEAD_BYTES, from_record, read, record
from solvers.run.settings import RunSettings


@pytest.mark.slow  # two runs of a 90,000-parameter network: about 2 s each
def test_a_big_networks_run_repeats_from_its_file(gdlab, tmp_path):
    first, again = tmp_path / "big.json", tmp_path / "again.json"
    common = ("--iterations", "2", "--device", "cpu", "--format", "json")
    made = gdlab("run", "4", "--hidden", "300,300", *common, "--output", str(first))
    assert made.code == 0, made.err
    settings = json.loads(first.read_text())["settings"]
    assert settings["start"] is None and isinstance(settings["seed"], int)
    assert len(json.dumps(settings)) < HEAD_BYTES // 100
    repeated = gdlab("run", "--from", str(first), *common, "--output", str(again))
    assert repeated.code == 0, repeated.err
    a, b = json.loads(first.read_text()), json.loads(again.read_text())
    assert a["rows"] == b["rows"] and a["final"] == b["final"]
    assert a["settings"] == b["settings"]


def test_a_network_start_given_or_listed_in_an_older_file_is_kept(tmp_path):
    spec = spec_of("4")
    start = tuple(0.001 * i for i in range(spec.n_params))
    given = record(spec, RunSettings(0.01, 3, start=start), 5, start)
    assert given["start"] == list(start)  # a given start is written as given
    assert from_record(given).settings.start == start
    older = tmp_path / "older.json"  # before: a drawn start's values were written
    drawn = record(spec, RunSettings(0.01, 3, seed=5), 5, start)
    assert drawn["start"] is None
    older.write_text(json.dumps({"settings": {**drawn, "start": list(start)}}))
    assert read(str(older)).settings.start == start


def test_a_start_left_to_a_seed_needs_the_seed():
    drawn = record(spec_of("4"), RunSettings(0.01, 3, seed=5), 5, ())
    with pytest.raises(SettingError, match="incomplete settings"):
        from_record({**drawn, "seed": None})
