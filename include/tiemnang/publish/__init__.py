"""Weekly publication into one schema per province, and exports for commune collectors."""
