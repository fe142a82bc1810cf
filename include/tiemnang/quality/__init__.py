"""Expectation suites on freshly staged files (Great Expectations, a SQL fallback for persons); results land in ops.dq_result."""

from tiemnang.quality.validation import validate

__all__ = ["validate"]
