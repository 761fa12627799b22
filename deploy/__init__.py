"""Deployment: deploy/local.py runs K replicas behind nginx on one machine (docs/deploy.md)."""
