"""The counters' benchmark runs (a small n) and reports both paths, and leaves intake's policy
as it found it (it raises the limits for its run by replacing ``complaint_policy``)."""

import re
from pathlib import Path

import pytest

from benchmarks import b1_counters
from domain.complaints import policy, service

pytestmark = pytest.mark.slow  # a fresh database through the migrations, in a subprocess


def test_the_counters_benchmark_measures_both_paths_and_restores_the_policy(
    tmp_path: Path,
) -> None:
    [row] = b1_counters.run(n=40, directory=tmp_path)
    ours = float(re.match(r"([\d.]+) ms", row.value).group(1))  # type: ignore[union-attr]
    baseline = float(re.match(r"([\d.]+) ms", row.baseline).group(1))  # type: ignore[union-attr]
    ratio = float(row.ratio.rstrip("×"))
    assert ours > 0 and baseline > 0
    assert ratio == pytest.approx(baseline / ours, abs=0.1)
    assert service.complaint_policy is policy.complaint_policy
