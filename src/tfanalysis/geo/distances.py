"""Distances on the Earth's surface: great circles, in miles.

Every distance the package measures (a radius of service, the nearest provider, a site's
reach, the spatial access scores) is a great-circle distance on a sphere of
:data:`EARTH_RADIUS_MILES`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EARTH_RADIUS_MILES", "great_circle_miles"]

EARTH_RADIUS_MILES = 3958.8
"""Mean Earth radius used for great-circle distances, in miles."""


def great_circle_miles(lat1: object, lon1: object, lat2: object, lon2: object) -> np.ndarray:
    """Haversine distance in miles between aligned (or broadcastable) arrays of points, in degrees.

    Examples
    --------
    >>> round(float(great_circle_miles([40.0], [-83.0], [41.0], [-83.0])[0]), 2)
    69.09
    """
    phi1, phi2 = np.radians(np.asarray(lat1, dtype=float)), np.radians(np.asarray(lat2, dtype=float))
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
