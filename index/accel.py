"""The compiled loops of a search (``index/_accel.pyx``), when they are built and current.

Installing the project builds them with Cython when a C compiler is there
(``make install`` installs one); without them every search runs the same
code in Python (:mod:`index.highlight`, :mod:`index.forward`), slower, with
the same results.  A build left from another version of ``_accel.pyx``
(one whose :data:`INTERFACE` differs) is not used: it would lack or
misread functions, so the Python runs until the project is installed again.
"""
from __future__ import annotations

from types import ModuleType

#: The version of the functions ``_accel.pyx`` offers (its ``INTERFACE``):
#: raise both together when they change.
INTERFACE = 1


def compiled() -> ModuleType | None:
    """The compiled module, or None when it is not built or not current."""
    try:
        from . import _accel
    except ImportError:
        return None
    return _accel if getattr(_accel, "INTERFACE", None) == INTERFACE else None
