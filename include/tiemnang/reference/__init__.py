"""Reference data: provinces and communes in force since 1 July 2025, from `vietnam-provinces`."""
