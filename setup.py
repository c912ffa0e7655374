"""The one thing pyproject.toml cannot say: every ``lscp_audit`` package plus the data packages
that live in the top-level ``forms/`` and ``resources/`` folders (mapped in pyproject.toml)."""

from setuptools import find_packages, setup

DATA_PACKAGES = ["lscp_audit.forms", "lscp_audit.resources", "lscp_audit.resources.fonts"]

setup(packages=[*find_packages(include=["lscp_audit", "lscp_audit.*"]), *DATA_PACKAGES])
