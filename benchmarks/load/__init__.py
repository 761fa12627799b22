"""Simulated students for load runs: benchmarks/load/students.py (Locust), speaking benchmarks/load/protocol.py."""
