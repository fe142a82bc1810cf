"""Every SQL file ships in the package (config.SQL_DIR): none is left in a top-level sql/ folder."""

from tiemnang import config


def test_no_sql_outside_the_package():
    stray = sorted(str(p.relative_to(config.PROJECT_ROOT)) for p in config.PROJECT_ROOT.glob("sql/**/*.sql"))
    assert stray == [], f"SQL outside include/tiemnang/sql (not shipped in the wheel): {stray}"
    assert (config.SQL_DIR / "alerts" / "record.sql").is_file()
