"""Quick runs of the scripts in benchmarks/."""
