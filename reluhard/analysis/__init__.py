"""Analysis tools that are not back ends: the recovery landscape of [NEP]
(:mod:`.landscape`) and estimates of its deterministic conditions (:mod:`.conditions`)."""
