"""What ingest's start-up leaves out, and the constants that stand in for what it leaves out.

Start-up is paid by every run (and by every worker of a pool): importing the pipeline must not
drag in libraries it does not use to find, date and write events (geopy's geocoders and
requests, pandas, geopandas, shapely). Behaviour only: no timing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_pipeline_imports_no_geocoder_and_no_frame_library():
    code = (
        "import sys\n"
        "import geo.corpus.ingest, geo.dates.find, geo.places.resolve\n"
        "print(sorted(m for m in ('geopy', 'requests', 'pandas', 'geopandas', 'shapely') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_the_resolver_measures_distances_with_geopys_earth_radius():
    from geopy.distance import EARTH_RADIUS, great_circle

    from geo.places import resolve

    assert resolve.EARTH_RADIUS == EARTH_RADIUS
    km = resolve._nearest_km(36.2, 37.15, [(33.51, 36.29), (35.0, 38.0)])
    assert abs(km - great_circle((36.2, 37.15), (35.0, 38.0)).km) < 1e-6
