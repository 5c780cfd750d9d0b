"""The smoke run's report: a known defect prints XFAIL and does not fail the
run; once fixed it prints XPASS and fails it, so the mark goes with the fix."""

from __future__ import annotations

import io

from tools.local_deployment import Report


def test_a_known_defect_is_an_xfail_not_a_failure() -> None:
    out = io.StringIO()
    report = Report(out=out)
    with report.check("notification arrives", known_defect="issue 9 defect 2"):
        raise AssertionError("refused by the topic policy")
    assert report.failed == [] and report.expected_failures == ["notification arrives"]
    assert "XFAIL  notification arrives" in out.getvalue()
    assert "[issue 9 defect 2] AssertionError: refused by the topic policy" in out.getvalue()
    assert "(1 known defects: XFAIL)" in report.summary()


def test_a_fixed_known_defect_is_an_xpass_that_fails_the_run() -> None:
    out = io.StringIO()
    report = Report(out=out)
    with report.check("notification arrives", known_defect="issue 9 defect 2"):
        pass
    assert report.failed == [
        "notification arrives (XPASS: issue 9 defect 2 seems fixed, drop the mark)"
    ]
    assert "XPASS  notification arrives" in out.getvalue()
