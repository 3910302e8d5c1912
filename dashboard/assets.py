"""The map's browser files: installed from npm, copied next to the app, served by Streamlit.

Leaflet, supercluster, leaflet.heat, topojson-client and the Natural Earth TopoJSON come from the npm registry
(``dashboard/package-lock.json``) at install time and are copied, not symlinked (Streamlit refuses
symlinks that leave ``static/``), into ``dashboard/static/vendor/``. Streamlit serves that folder
at ``/app/static/`` (``server.enableStaticServing``), so at run time no request leaves the machine.

``python -m dashboard.assets install`` does the copy (the Makefile runs it after ``npm ci``);
``check()`` says what is missing and how to fix it; ``static_url()`` builds the URL of a static
file; ``localize_map()`` points folium at those files instead of its CDN defaults.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import folium

from geo.errors import DatelinesError

__all__ = [
    "DASHBOARD_DIR",
    "NODE_MODULES",
    "STATIC_DIR",
    "VENDOR_DIR",
    "VENDOR_FILES",
    "AssetsMissing",
    "check",
    "install",
    "localize_map",
    "static_url",
    "vendor_url",
]

DASHBOARD_DIR = Path(__file__).resolve().parent
NODE_MODULES = DASHBOARD_DIR / "node_modules"
STATIC_DIR = DASHBOARD_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"

#: Served path under ``static/vendor/`` -> path under ``node_modules/``: exactly what the map loads.
VENDOR_FILES: dict[str, str] = {
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    # leaflet.css refers to these (layer control, default marker icons).
    "leaflet/images/layers.png": "leaflet/dist/images/layers.png",
    "leaflet/images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
    "leaflet/images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png": "leaflet/dist/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png": "leaflet/dist/images/marker-shadow.png",
    "leaflet/LICENSE": "leaflet/LICENSE",
    # The UMD build defines window.Supercluster and has kdbush bundled in.
    "supercluster/supercluster.min.js": "supercluster/dist/supercluster.min.js",
    "supercluster/LICENSE": "supercluster/LICENSE",
    "supercluster/LICENSE.kdbush": "kdbush/LICENSE",
    "topojson-client/topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
    "topojson-client/LICENSE": "topojson-client/LICENSE",
    # The heatmap view (simpleheat bundled in); BSD-2-Clause.
    "leaflet.heat/leaflet-heat.js": "leaflet.heat/dist/leaflet-heat.js",
    "leaflet.heat/LICENSE": "leaflet.heat/LICENSE",
    # Natural Earth 1:50m admin-0 countries as TopoJSON (public domain data, ISC packaging).
    "world-atlas/countries-50m.json": "world-atlas/countries-50m.json",
    "world-atlas/LICENSE": "world-atlas/LICENSE",
}


class AssetsMissing(DatelinesError, FileNotFoundError):
    """The map's browser files have not been installed into ``dashboard/static/vendor``."""


def install(*, node_modules: Path = NODE_MODULES, vendor_dir: Path = VENDOR_DIR) -> list[Path]:
    """Copy the files the map needs from ``node_modules`` into ``vendor_dir``; return the copies.

    Files are copied (never symlinked) and the old copies are replaced, so a changed lock file
    takes effect. Raises :class:`AssetsMissing` when ``npm ci`` has not been run.
    """
    missing = [src for src in VENDOR_FILES.values() if not (node_modules / src).is_file()]
    if missing:
        raise AssetsMissing(
            f"{len(missing)} file(s) missing from {node_modules}, e.g. {missing[0]!r}: "
            "run `make setup` (it runs `npm ci` in dashboard/) first"
        )
    copied = []
    for dest, src in VENDOR_FILES.items():
        target = vendor_dir / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(node_modules / src, target)
        copied.append(target)
    return copied


def check(*, vendor_dir: Path = VENDOR_DIR) -> None:
    """Raise :class:`AssetsMissing`, saying what to run, unless every vendor file is in place."""
    missing = [dest for dest in VENDOR_FILES if not (vendor_dir / dest).is_file()]
    if missing:
        raise AssetsMissing(
            f"the map's browser files are not installed: {len(missing)} missing from {vendor_dir}, "
            f"e.g. {missing[0]!r}; run `make setup`"
        )


def static_url(path: str) -> str:
    """URL path at which Streamlit serves ``dashboard/static/<path>``, honouring baseUrlPath."""
    from streamlit import config  # imported late: `python -m dashboard.assets` needs no Streamlit

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}/app/static/" if base else "/app/static/"
    return prefix + path.lstrip("/")


def vendor_url(path: str) -> str:
    """URL path of one installed vendor file, e.g. ``vendor_url("leaflet/leaflet.js")``."""
    if path not in VENDOR_FILES:
        raise KeyError(f"{path!r} is not one of the installed vendor files {sorted(VENDOR_FILES)}")
    return static_url("vendor/" + path)


def localize_map(m: folium.Map) -> folium.Map:
    """Point ``m`` at the local Leaflet instead of folium's CDN defaults, and drop the rest.

    Only this instance changes (instance attributes shadow folium's class lists). jQuery,
    Bootstrap, Font Awesome and awesome-markers are dropped: the map uses no folium Popup,
    Icon or plugin that needs them.
    """
    m.default_js = [("leaflet", vendor_url("leaflet/leaflet.js"))]
    m.default_css = [("leaflet_css", vendor_url("leaflet/leaflet.css"))]
    return m


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.assets", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["install", "check"])
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            copied = install()
            print(f"copied {len(copied)} files into {VENDOR_DIR}")
        else:
            check()
            print(f"all {len(VENDOR_FILES)} vendor files present in {VENDOR_DIR}")
    except AssetsMissing as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main())
