"""Online geocoding (opt-in): services, the bounded wire adapter and the answer cache."""
