"""Scale-data generator and benchmarks (architecture §3). Not imported by the application."""
