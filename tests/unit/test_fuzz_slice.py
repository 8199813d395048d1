"""A quick slice of bench/fuzz.py: damaged and hostile files never break a reader.

The full run (10,000 event-file cases) is `python bench/fuzz.py`; here about
1,000 cases run the same way (each in a worker subprocess with time and memory
limits), and a few hundred run in this very process so the check also holds
inside Pyodide, where numpy's intp is 32-bit.
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import _fuzzcases as cases  # noqa: E402


@pytest.fixture(scope="module")
def payloads():
    return cases.base_payloads()


def test_quick_slice_in_subprocesses_has_no_uncaught_error_hang_or_blowup():
    import fuzz
    counts, findings = fuzz.run(fuzz.all_cases(900, 120, seed=1000), jobs=2, timeout_s=10.0)
    assert counts["cases"] == 1020
    assert counts["error"] + counts["crash"] + counts["hang"] + counts["memory"] == 0, findings
    assert counts["kept"] == counts["event cases"] == 900
    assert counts["warnings"] > 0  # the damage was seen and said, not silently passed over


@pytest.mark.parametrize("family", ["event", "crafted"])
def test_event_cases_in_this_runtime_keep_every_record_before_the_damage(payloads, family):
    check = cases.check_event_case if family == "event" else cases.check_crafted_case
    results = [check(seed, payloads) for seed in range(7000, 7060)]
    assert all(kept for kept, _ in results)
    assert sum(w for _, w in results) > 0


@pytest.mark.parametrize("kind", ["vectors", "metadata", "json", "pbtxt", "csv", "bytes"])
def test_projector_files_and_csvs_in_this_runtime_give_our_errors_only(kind):
    for seed in range(40):
        cases.check_text_case(kind, seed)
