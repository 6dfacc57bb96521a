"""Builds the georef engine's compiled loops, the CPython extension
``quartiers.georef.native._georef`` (C sources in quartiers/georef/native/), at install time:
``pip install -e .`` (what ``make venv`` runs) compiles it next to its sources. The rest of the
project's metadata is in pyproject.toml."""

from setuptools import Extension, setup

NATIVE = "quartiers/georef/native"

setup(
    ext_modules=[
        Extension(
            "quartiers.georef.native._georef",
            sources=[
                f"{NATIVE}/{name}.c" for name in ("_georef", "engine", "distances", "far", "lines")
            ],
            depends=[f"{NATIVE}/georef.h"],
            # -fno-wrapv undoes Python's -fwrapv (signed overflow defined), which costs the
            # parsing loop about 15 %; the loops never overflow a signed integer.
            extra_compile_args=[
                "-O2",
                "-std=c11",
                "-fno-math-errno",
                "-ffp-contract=off",
                "-fno-wrapv",
            ],
        )
    ],
)
