"""tiemnang: find people who should be insured by Vietnam Social Security (BHXH) and are not."""

__version__ = "0.1.0"
