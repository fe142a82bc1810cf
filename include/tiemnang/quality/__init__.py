"""Great Expectations suites on freshly staged files; results land in ops.dq_result."""

from tiemnang.quality.validation import validate

__all__ = ["validate"]
