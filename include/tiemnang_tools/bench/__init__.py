"""`tiemnang bench`: the whole chain on a generated world, against the engine's floor and a pandas peer."""

from tiemnang_tools.bench.run import main

__all__ = ["main"]
