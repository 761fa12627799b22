"""Browser tests. A package, so its conftest and modules never shadow tests/conftest.py (imported as `conftest`)."""
