"""The counters' benchmark runs (a small n) and reports both paths, and leaves intake's policy
as it found it (it raises the limits for its run by replacing ``complaint_policy``)."""

import re

from benchmarks import b1_counters
from domain.complaints import policy, service


def test_the_counters_benchmark_measures_both_paths_and_restores_the_policy() -> None:
    [row] = b1_counters.run(n=40)
    ours = float(re.match(r"([\d.]+) ms", row.value).group(1))  # type: ignore[union-attr]
    baseline = float(re.match(r"([\d.]+) ms", row.baseline).group(1))  # type: ignore[union-attr]
    assert ours > 0 and baseline > 0
    assert row.ratio == f"{baseline / ours:.1f}×"
    assert service.complaint_policy is policy.complaint_policy
