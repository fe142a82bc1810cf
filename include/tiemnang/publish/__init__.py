"""Weekly publication into one schema per province, and exports for commune collectors."""

from tiemnang.publish.publication import iso_week, publish_province

__all__ = ["iso_week", "publish_province"]
