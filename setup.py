"""The one thing pyproject.toml cannot say: every ``lscp_audit`` package plus the data packages,
which have no ``__init__.py`` of their own or live in the top-level ``forms/`` and ``resources/``
folders (mapped in pyproject.toml). A new folder of data files inside the package goes here and
in ``[tool.setuptools.package-data]``; tests/packaging/test_wheel.py fails until it does."""

from setuptools import find_packages, setup

DATA_PACKAGES = [
    "lscp_audit.forms",
    "lscp_audit.resources",
    "lscp_audit.resources.fonts",
    "lscp_audit.reports.schemas",
    "lscp_audit.core.templates.scale_library",
]

setup(packages=[*find_packages(include=["lscp_audit", "lscp_audit.*"]), *DATA_PACKAGES])
