"""What our pipeline is measured against: a straightforward pandas chain and Splink's matching."""
