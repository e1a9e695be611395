"""The compiled loops of a search (``index/_accel.pyx``), when they are built and current.

Installing the project builds them with Cython when a C compiler is there
(``make install`` installs one); without them every search runs the same
code in Python (:mod:`index.highlight`, :mod:`index.forward`), slower, with
the same results.  A build left from another version of ``_accel.pyx``
(one whose :data:`INTERFACE` differs) is not used: it would lack or
misread functions, so the Python runs until the project is installed again.

Those modules ask :data:`active` at each call; :func:`use_compiled` switches
both between the compiled loops and their own (the tests run both).
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


built = compiled()
#: The compiled loops the search uses now: :data:`built`, or None for the Python ones.
active = built


def use_compiled(on: bool = True) -> bool:
    """Search with the compiled loops (the default, when they are built) or with
    the Python ones; True when the compiled ones are used."""
    global active
    active = built if on else None
    return active is not None
