"""Seats of first-level regions, to find a region's towns where GeoNames' admin1 codes are not
ISO 3166-2's (Canada "01" is ISO "CA-AB"): the seat's admin1 code in the gazetteer is the
region's. Written by us from general knowledge (the seats are public facts); only countries
whose regions English news often names without their towns. Extend freely.
"""

from __future__ import annotations

from typing import Final

__all__ = ["REGION_SEATS"]

#: ISO 3166-2 code -> the name of the region's seat (or largest town) as GeoNames spells it.
REGION_SEATS: Final[dict[str, str]] = {
    # Canada
    "CA-AB": "Edmonton", "CA-BC": "Victoria", "CA-MB": "Winnipeg", "CA-NB": "Fredericton",
    "CA-NL": "St. John's", "CA-NS": "Halifax", "CA-NT": "Yellowknife", "CA-NU": "Iqaluit",
    "CA-ON": "Toronto", "CA-PE": "Charlottetown", "CA-QC": "Montreal", "CA-SK": "Regina",
    "CA-YT": "Whitehorse",
    # Australia
    "AU-NSW": "Sydney", "AU-VIC": "Melbourne", "AU-QLD": "Brisbane", "AU-WA": "Perth",
    "AU-SA": "Adelaide", "AU-TAS": "Hobart", "AU-NT": "Darwin", "AU-ACT": "Canberra",
    # India
    "IN-AP": "Visakhapatnam", "IN-AS": "Guwahati", "IN-BR": "Patna", "IN-CT": "Raipur",
    "IN-CG": "Raipur", "IN-GA": "Panaji", "IN-GJ": "Ahmedabad", "IN-HR": "Faridabad",
    "IN-HP": "Shimla", "IN-JH": "Ranchi", "IN-KA": "Bengaluru", "IN-KL": "Thiruvananthapuram",
    "IN-MP": "Bhopal", "IN-MH": "Mumbai", "IN-MN": "Imphal", "IN-ML": "Shillong",
    "IN-MZ": "Aizawl", "IN-NL": "Kohima", "IN-OR": "Bhubaneswar", "IN-OD": "Bhubaneswar",
    "IN-PB": "Ludhiana", "IN-RJ": "Jaipur", "IN-SK": "Gangtok", "IN-TN": "Chennai",
    "IN-TG": "Hyderabad", "IN-TS": "Hyderabad", "IN-TR": "Agartala", "IN-UP": "Lucknow",
    "IN-UT": "Dehradun", "IN-UK": "Dehradun", "IN-WB": "Kolkata", "IN-JK": "Srinagar",
    "IN-DL": "New Delhi", "IN-AR": "Itanagar",
    # China
    "CN-AH": "Hefei", "CN-FJ": "Fuzhou", "CN-GD": "Guangzhou", "CN-GS": "Lanzhou",
    "CN-GX": "Nanning", "CN-GZ": "Guiyang", "CN-HA": "Zhengzhou", "CN-HB": "Wuhan",
    "CN-HE": "Shijiazhuang", "CN-HI": "Haikou", "CN-HL": "Harbin", "CN-HN": "Changsha",
    "CN-JL": "Changchun", "CN-JS": "Nanjing", "CN-JX": "Nanchang", "CN-LN": "Shenyang",
    "CN-NM": "Hohhot", "CN-NX": "Yinchuan", "CN-QH": "Xining", "CN-SC": "Chengdu",
    "CN-SD": "Jinan", "CN-SN": "Xi'an", "CN-SX": "Taiyuan", "CN-XJ": "Urumqi", "CN-XZ": "Lhasa",
    "CN-YN": "Kunming", "CN-ZJ": "Hangzhou",
    # South Africa
    "ZA-EC": "East London", "ZA-FS": "Bloemfontein", "ZA-GP": "Johannesburg",
    "ZA-KZN": "Durban", "ZA-NL": "Durban", "ZA-LP": "Polokwane", "ZA-MP": "Mbombela",
    "ZA-NW": "Rustenburg", "ZA-NC": "Kimberley", "ZA-WC": "Cape Town",
    # Pakistan
    "PK-BA": "Quetta", "PK-KP": "Peshawar", "PK-PB": "Lahore", "PK-SD": "Karachi",
    "PK-GB": "Gilgit", "PK-JK": "Muzaffarabad",
    # Nigeria (states news names most)
    "NG-BO": "Maiduguri", "NG-KN": "Kano", "NG-LA": "Lagos", "NG-RI": "Port Harcourt",
    "NG-KD": "Kaduna", "NG-PL": "Jos", "NG-AD": "Yola", "NG-YO": "Damaturu", "NG-ZA": "Gusau",
    # Mexico
    "MX-CHH": "Chihuahua", "MX-SIN": "Culiacan", "MX-JAL": "Guadalajara", "MX-GRO": "Acapulco",
    "MX-TAM": "Reynosa", "MX-MIC": "Morelia", "MX-BCN": "Tijuana", "MX-SON": "Hermosillo",
    "MX-OAX": "Oaxaca", "MX-VER": "Veracruz", "MX-NLE": "Monterrey",
    # Brazil
    "BR-SP": "Sao Paulo", "BR-RJ": "Rio de Janeiro", "BR-MG": "Belo Horizonte",
    "BR-BA": "Salvador", "BR-RS": "Porto Alegre", "BR-PR": "Curitiba", "BR-AM": "Manaus",
    "BR-PA": "Belem", "BR-PE": "Recife", "BR-CE": "Fortaleza",
    # Germany (English names news uses are added as alternates below)
    "DE-BY": "Munich", "DE-BW": "Stuttgart", "DE-NW": "Cologne", "DE-HE": "Frankfurt am Main",
    "DE-NI": "Hanover", "DE-SN": "Dresden", "DE-TH": "Erfurt", "DE-ST": "Magdeburg",
    "DE-BB": "Potsdam", "DE-MV": "Rostock", "DE-SH": "Kiel", "DE-RP": "Mainz", "DE-SL": "Saarbruecken",
    # New Zealand, Philippines, Indonesia, Japan: a few often named
    "NZ-AUK": "Auckland", "NZ-CAN": "Christchurch", "NZ-WGN": "Wellington",
    "PH-00": "Manila", "ID-JK": "Jakarta", "ID-BA": "Denpasar", "ID-AC": "Banda Aceh",
    "ID-PA": "Jayapura", "JP-01": "Sapporo", "JP-47": "Naha",
}

#: English names news uses for regions that ISO 3166-2 spells otherwise.
ENGLISH_REGION_NAMES: Final[dict[str, str]] = {
    "DE-BY": "Bavaria", "DE-NW": "North Rhine-Westphalia", "DE-NI": "Lower Saxony",
    "DE-SN": "Saxony", "DE-TH": "Thuringia", "DE-ST": "Saxony-Anhalt", "DE-HE": "Hesse",
    "DE-RP": "Rhineland-Palatinate", "DE-MV": "Mecklenburg-Western Pomerania",
    "CN-XZ": "Tibet", "CN-NM": "Inner Mongolia", "CN-XJ": "Xinjiang", "CN-GX": "Guangxi",
    "CN-NX": "Ningxia", "PK-KP": "Khyber Pakhtunkhwa", "JP-01": "Hokkaido", "JP-47": "Okinawa",
    "IN-OR": "Orissa", "IN-OD": "Odisha", "MX-BCN": "Baja California", "NZ-AUK": "Auckland",
}
