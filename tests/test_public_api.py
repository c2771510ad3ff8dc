from __future__ import annotations

import dyad


def test_public_surface_is_explicit() -> None:
    assert sorted(dyad.__all__) == sorted(name for name in dir(dyad) if name in dyad.__all__)
    for name in dyad.__all__:
        assert getattr(dyad, name) is not None, name


def test_errors_share_one_base() -> None:
    for error in (dyad.InputError, dyad.DataFileError, dyad.ModelNotFoundError, dyad.StoreError):
        assert issubclass(error, dyad.DyadError)


def test_the_query_functions_the_readme_names_are_on_dyad_query() -> None:
    """The README's Python API calls `dyad.query`'s trend, top_actors, top_dyads, places and
    dyad_events; the module lives in `dyad/store/` and stays reachable as `dyad.query`."""
    for name in ("trend", "top_actors", "top_dyads", "places", "dyad_events"):
        assert callable(getattr(dyad.query, name)), name
    assert dyad.query.load is dyad.load
