from __future__ import annotations

import dyad


def test_public_surface_is_explicit() -> None:
    assert sorted(dyad.__all__) == sorted(name for name in dir(dyad) if name in dyad.__all__)
    for name in dyad.__all__:
        assert getattr(dyad, name) is not None, name


def test_errors_share_one_base() -> None:
    for error in (dyad.InputError, dyad.DataFileError, dyad.ModelNotFoundError, dyad.StoreError):
        assert issubclass(error, dyad.DyadError)
