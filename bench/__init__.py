"""`make bench`: seed real volume into PostgreSQL and measure every hot path beside its anchor."""
