"""The demo's Ohio: its counties (centroids, population weights) and ZIP codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# The 88 Ohio counties: FIPS, centroid latitude and longitude (Census cartographic boundary
# file 2016, centroid in EPSG:5070), the demo's region, name.
_COUNTY_ROWS = """
39001 38.846 -83.472 SE Adams
39003 40.772 -84.106 NW Allen
39005 40.846 -82.271 C Ashland
39007 41.707 -80.748 NE Ashtabula
39009 39.334 -82.045 SE Athens
39011 40.561 -84.222 NW Auglaize
39013 40.016 -80.988 SE Belmont
39015 38.934 -83.867 SW Brown
39017 39.439 -84.576 SW Butler
39019 40.580 -81.090 NE Carroll
39021 40.138 -83.769 C Champaign
39023 39.917 -83.784 SW Clark
39025 39.047 -84.152 SW Clermont
39027 39.415 -83.808 SW Clinton
39029 40.768 -80.777 NE Columbiana
39031 40.302 -81.920 SE Coshocton
39033 40.851 -82.920 C Crawford
39035 41.424 -81.659 NE Cuyahoga
39037 40.133 -84.619 SW Darke
39039 41.324 -84.490 NW Defiance
39041 40.278 -83.005 C Delaware
39043 41.363 -82.619 NW Erie
39045 39.752 -82.631 C Fairfield
39047 39.560 -83.456 SW Fayette
39049 39.969 -83.009 C Franklin
39051 41.602 -84.130 NW Fulton
39053 38.825 -82.317 SE Gallia
39055 41.499 -81.179 NE Geauga
39057 39.691 -83.890 SW Greene
39059 40.052 -81.494 SE Guernsey
39061 39.196 -84.543 SW Hamilton
39063 41.002 -83.667 NW Hancock
39065 40.661 -83.659 NW Hardin
39067 40.294 -81.091 SE Harrison
39069 41.334 -84.068 NW Henry
39071 39.185 -83.601 SW Highland
39073 39.497 -82.479 SE Hocking
39075 40.561 -81.929 NE Holmes
39077 41.146 -82.598 NW Huron
39079 39.020 -82.618 SE Jackson
39081 40.385 -80.761 NE Jefferson
39083 40.399 -82.422 C Knox
39085 41.697 -81.238 NE Lake
39087 38.598 -82.537 SE Lawrence
39089 40.092 -82.483 C Licking
39091 40.388 -83.766 C Logan
39093 41.295 -82.151 NE Lorain
39095 41.620 -83.658 NW Lucas
39097 39.894 -83.400 C Madison
39099 41.015 -80.776 NE Mahoning
39101 40.587 -83.161 C Marion
39103 41.118 -81.900 NE Medina
39105 39.082 -82.023 SE Meigs
39107 40.540 -84.629 NW Mercer
39109 40.053 -84.229 SW Miami
39111 39.727 -81.083 SE Monroe
39113 39.754 -84.291 SW Montgomery
39115 39.620 -81.853 SE Morgan
39117 40.524 -82.794 C Morrow
39119 39.965 -81.944 SE Muskingum
39121 39.766 -81.456 SE Noble
39123 41.538 -83.141 NW Ottawa
39125 41.117 -84.580 NW Paulding
39127 39.737 -82.236 SE Perry
39129 39.642 -83.024 C Pickaway
39131 39.077 -83.067 SE Pike
39133 41.168 -81.197 NE Portage
39135 39.741 -84.648 SW Preble
39137 41.022 -84.132 NW Putnam
39139 40.774 -82.536 C Richland
39141 39.338 -83.057 SE Ross
39143 41.356 -83.146 NW Sandusky
39145 38.804 -82.993 SE Scioto
39147 41.124 -83.128 NW Seneca
39149 40.332 -84.205 SW Shelby
39151 40.814 -81.366 NE Stark
39153 41.126 -81.532 NE Summit
39155 41.317 -80.761 NE Trumbull
39157 40.441 -81.474 NE Tuscarawas
39159 40.299 -83.372 C Union
39161 40.855 -84.586 NW Van Wert
39163 39.251 -82.485 SE Vinton
39165 39.427 -84.167 SW Warren
39167 39.455 -81.496 SE Washington
39169 40.829 -81.888 NE Wayne
39171 41.560 -84.588 NW Williams
39173 41.362 -83.623 NW Wood
39175 40.842 -83.304 NW Wyandot
"""


@dataclass(frozen=True)
class _Counties:
    fips: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    region: np.ndarray
    name: np.ndarray

    def index(self, fips: Any) -> np.ndarray:
        return np.searchsorted(self.fips, np.asarray(fips))


def _parse_counties() -> _Counties:
    rows = [line.split(maxsplit=4) for line in _COUNTY_ROWS.strip().splitlines()]
    cols = list(zip(*rows))
    return _Counties(
        fips=np.array(cols[0]),
        lat=np.array(cols[1], dtype=float),
        lon=np.array(cols[2], dtype=float),
        region=np.array(cols[3]),
        name=np.array(cols[4]),
    )


_COUNTIES = _parse_counties()

# Real Ohio ZIP codes used by members: ZIP → (latitude, longitude, county FIPS, city), as the
# ``zipcodes`` package gives them (a test checks each against zipcodes and addfips).
_ZIPS: dict[str, tuple[float, float, str, str]] = {
    "43215": (39.9671, -83.0044, "39049", "Columbus"),
    "43205": (39.9569, -82.9644, "39049", "Columbus"),
    "43206": (39.9426, -82.9748, "39049", "Columbus"),
    "43210": (40.0028, -83.0164, "39049", "Columbus"),
    "43219": (40.0326, -82.9103, "39049", "Columbus"),
    "43223": (39.9388, -83.0463, "39049", "Columbus"),
    "44114": (41.5064, -81.6743, "39035", "Cleveland"),
    "44113": (41.4816, -81.7018, "39035", "Cleveland"),
    "44115": (41.4946, -81.6670, "39035", "Cleveland"),
    "44106": (41.5084, -81.6076, "39035", "Cleveland"),
    "44102": (41.4735, -81.7398, "39035", "Cleveland"),
    "45202": (39.1072, -84.5020, "39061", "Cincinnati"),
    "45219": (39.1270, -84.5131, "39061", "Cincinnati"),
    "45229": (39.1490, -84.4892, "39061", "Cincinnati"),
    "45206": (39.1269, -84.4853, "39061", "Cincinnati"),
    "43604": (41.6614, -83.5249, "39095", "Toledo"),
    "43608": (41.6779, -83.5344, "39095", "Toledo"),
    "43620": (41.6654, -83.5536, "39095", "Toledo"),
    "44308": (41.0796, -81.5194, "39153", "Akron"),
    "44307": (41.0695, -81.5488, "39153", "Akron"),
    "45402": (39.7563, -84.1895, "39113", "Dayton"),
    "45417": (39.7528, -84.2470, "39113", "Dayton"),
    "44503": (41.1020, -80.6500, "39099", "Youngstown"),
    "44702": (40.8027, -81.3739, "39151", "Canton"),
    "45801": (40.7641, -84.0973, "39003", "Lima"),
    "44902": (40.7559, -82.5123, "39139", "Mansfield"),
    "43701": (39.9274, -82.0041, "39119", "Zanesville"),
    "45701": (39.3178, -82.1020, "39009", "Athens"),
    "45662": (38.7932, -82.9306, "39145", "Portsmouth"),
    "45601": (39.3380, -82.9895, "39141", "Chillicothe"),
    "44870": (41.4349, -82.7063, "39043", "Sandusky"),
    "45840": (41.0449, -83.6457, "39063", "Findlay"),
    "45502": (39.9242, -83.8088, "39023", "Springfield"),
    "45750": (39.4281, -81.4644, "39167", "Marietta"),
}
