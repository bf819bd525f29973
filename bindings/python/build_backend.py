"""The build backend of picket (PEP 517, ``backend-path`` in pyproject.toml): setuptools'
own, ``setuptools.build_meta``, on every Python picket supports.

On an older Python (below 3.9, ``requires-python``) pip would otherwise fail on the build
requirements, which need 3.9 too, with an error about setuptools. There, the build
requirements are none (their markers), and this module gives pip the sdist's own metadata
(``PKG-INFO``, which states ``Requires-Python``) without building anything, so that pip
refuses with its usual message::

    ERROR: Package 'picket' requires a different Python: 3.8.18 not in '>=3.9'

Any other hook stops with a message that names the Python version.
"""

import sys
from pathlib import Path

if sys.version_info >= (3, 9):
    from setuptools.build_meta import *  # noqa: F403
    from setuptools.build_meta import __all__  # noqa: F401
else:
    _TOO_OLD = (
        "picket needs Python 3.9 or newer (requires-python >=3.9); this is Python "
        + ".".join(map(str, sys.version_info[:3]))
        + f" ({sys.executable}). Install picket with a newer Python."
    )

    def get_requires_for_build_wheel(config_settings=None):
        return []

    def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
        """The fields of the sdist's PKG-INFO as the wheel's METADATA, without its
        dependencies (nothing will be installed): pip reads Requires-Python from it and
        refuses this interpreter itself, rather than first failing to find a dependency
        for it."""
        pkg_info = Path("PKG-INFO")
        if not pkg_info.is_file():  # a checkout, not an sdist: no metadata to hand over
            raise SystemExit(_TOO_OLD)
        head = pkg_info.read_text(encoding="utf-8").split("\n\n", 1)[0]  # the fields
        lines = [
            line
            for line in head.splitlines()
            if not line.startswith(("Requires-Dist:", "Provides-Extra:"))
        ]
        fields = dict(line.split(": ", 1) for line in lines if ": " in line)
        name = f"{fields['Name']}-{fields['Version']}.dist-info"
        dist_info = Path(metadata_directory) / name
        dist_info.mkdir(parents=True, exist_ok=True)
        (dist_info / "METADATA").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return name

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        raise SystemExit(_TOO_OLD)

    def build_sdist(sdist_directory, config_settings=None):
        raise SystemExit(_TOO_OLD)
