import pytest

from sciml.core import ConvergenceError, SciMLError, Solution, Status


def test_every_status_message_tells_the_user_what_to_do():
    for status in Status:
        assert len(status.value) > 20
    assert Status.SUCCESS.ok and not Status.NONFINITE.ok


def test_raise_for_status_includes_stats_and_returns_self_when_ok():
    ok = Solution(1.0, Status.SUCCESS, {"iterations": 3})
    assert ok.raise_for_status() is ok
    bad = Solution(None, Status.MAX_ITERATIONS, {"iterations": 500, "residual": 1e-3})
    with pytest.raises(ConvergenceError, match="raise max_iter.*iterations': 500"):
        bad.raise_for_status()


def test_errors_are_catchable_as_package_and_builtin_errors():
    assert issubclass(ConvergenceError, SciMLError) and issubclass(ConvergenceError, RuntimeError)
