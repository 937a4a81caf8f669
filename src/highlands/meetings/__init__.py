"""B2B brokerage meetings: the optimal meeting scheduler (``scheduler/``, pure Python), its CLI."""
