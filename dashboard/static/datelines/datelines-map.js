/*
 * Datelines event layer for Leaflet: the events of one data set, clustered, coloured by type.
 *
 * The page loads the events once (dataUrl: JSON written by dashboard/mapview.py, format
 * "datelines-events/1", gzipped; datelines-prefetch.js starts the download as the frame opens); each Streamlit rerun then only calls L.datelines.setMask(base64, n)
 * with numpy.packbits of the visible events. The layer re-clusters the visible events with
 * supercluster and draws the viewport's clusters and events on one shared canvas.
 *
 * Article text is data: every popup and tooltip is built with document.createElement and
 * textContent, never innerHTML, and links are made only for http(s) urls.
 *
 * Test hooks: window.datelines (visibleCount(), renderedCount(), openEvent(i), spiderfied(),
 * maskVersion, loaded, timings) and data-visible-count / data-mask-version on the map container.
 * Plain ES2017, no build step. Needs Leaflet, Supercluster and (for the basemap) topojson.
 */
(function () {
  "use strict";

  var FORMAT = "datelines-events/1";
  var NO_DAY = -2147483648;
  var DAY_MS = 86400000;

  // A fixed palette (Okabe-Ito based, colour-blind safe), in geo.schema.EVENT_TYPES order.
  var TYPE_COLOURS = {
    "battles": "#D55E00",
    "violence against civilians": "#CC79A7",
    "explosions/remote violence": "#E69F00",
    "strategic developments": "#0072B2",
    "protests": "#009E73",
    "riots": "#56B4E9",
    "other": "#7A6A3A"
  };
  var TYPE_LABELS = {};     // legend words by type; the payload's type_colours/type_labels update both
  var FALLBACK_COLOUR = "#555555";
  // Colour by source: the most frequent sources get these, the rest OTHER_SOURCES_COLOUR.
  var SOURCE_PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7A6A3A", "#882255"];
  var OTHER_SOURCES_COLOUR = "#BBBBBB";
  var UNDATED_COLOUR = "#9A9A9A";
  var SPIDER_MAX = 40;      // more reports than this at one point: a list instead of a spiral
  var LIST_PAGE = 200;      // list entries added per "show more"
  var CLUSTER_RADIUS = 48;  // px

  var SELECT_MIN_ZOOM = 7;  // a selected event is shown at least this close
  var FIT_SHARE = 0.95;     // "Zoom to events in view" fits this share of them (no outliers)
  var CLICK_PREFIX = "datelines-event:";
  var DRAWN_PREFIX = "datelines-drawn:";  // the first draw, reported so the page below follows

  var layers = [];          // live EventLayers (normally one per page)
  var pendingMask = null;   // a mask that arrived before any layer existed
  var pendingSelect;        // a selection that arrived before any layer existed
  var pendingColourBy;      // a colouring that arrived before any layer existed
  var pendingDisplay;       // a display ("markers"/"heat") that arrived before any layer existed
  var pendingCaption;       // the view's caption (window, counts) for the PNG, ditto
  var HEAT_OPTIONS = {radius: 22, blur: 18, minOpacity: 0.35, maxZoom: 9};
  var clickCount = 0;       // marker clicks reported to Streamlit (makes each report new)
  var wantDrawn = false;    // the app waits for the map's first draw (L.datelines.reportDrawn)

  // ------------------------------------------------------------------ small helpers

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function isoDay(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function webUrl(url) {
    // The payload keeps only http(s) urls; check again, the page must never follow javascript:.
    if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return null;
    try {
      var parsed = new URL(url);
      return (parsed.protocol === "http:" || parsed.protocol === "https:") ? parsed.href : null;
    } catch (err) {
      return null;
    }
  }

  function decodeMask(b64, count) {
    var bytes = atob(b64);
    var mask = new Uint8Array(count);
    for (var i = 0; i < count; i++) {
      mask[i] = (bytes.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1;  // numpy.packbits: big-endian
    }
    return mask;
  }

  // ------------------------------------------------------------------ downloads

  /**
   * The JSON at url, from datelines-prefetch.js (loaded first by dashboard/mapview.py: it
   * started the download as the frame opened and reads it, gunzipping .json.gz); a page
   * without it fetches here (plain JSON only).
   */
  function fetchJson(url) {
    if (window.datelinesPrefetch) return window.datelinesPrefetch.takeJson(url);
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function plural(n, one, many) {
    return n.toLocaleString("en") + " " + (n === 1 ? one : many);
  }

  // ------------------------------------------------------------------ the events

  function Events(json) {
    if (!json || json.format !== FORMAT) {
      throw new Error("Datelines: events file has format " + (json && json.format) + ", expected " + FORMAT);
    }
    var n = json.count;
    this.count = n;
    this.json = json;
    this.eventTypes = json.event_types;
    // Colours and legend labels come with the data (geo/lexicons/event_types.tsv).
    var t;
    for (t in (json.type_colours || {})) TYPE_COLOURS[t] = json.type_colours[t];
    for (t in (json.type_labels || {})) TYPE_LABELS[t] = json.type_labels[t];
    this.datePrecisions = json.date_precisions;
    this.placePrecisions = json.place_precisions;
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.hasPoint = new Uint8Array(n);
    this.dateStart = new Int32Array(n);
    this.dateEnd = new Int32Array(n);
    this.type = Uint8Array.from(json.event_type);
    this.datePrecision = Uint8Array.from(json.date_precision);
    this.placePrecision = Uint8Array.from(json.place_precision);
    this.group = Int32Array.from(json.event_group);
    this.features = new Array(n);
    this.groups = new Map();
    var dayIndex = this.datePrecisions.indexOf("day");
    var cityIndex = this.placePrecisions.indexOf("city");
    this.preciseDate = dayIndex;
    this.precisePlace = cityIndex;
    for (var i = 0; i < n; i++) {
      var la = json.lat[i], lo = json.lon[i];
      this.hasPoint[i] = (la !== null && lo !== null) ? 1 : 0;
      this.lat[i] = la === null ? NaN : la;
      this.lon[i] = lo === null ? NaN : lo;
      this.dateStart[i] = json.date_start[i] === null ? NO_DAY : json.date_start[i];
      this.dateEnd[i] = json.date_end[i] === null ? NO_DAY : json.date_end[i];
      // GeoJSON positions are [lon, lat]: supercluster reads them that way.
      this.features[i] = this.hasPoint[i]
        ? {type: "Feature", properties: {i: i}, geometry: {type: "Point", coordinates: [lo, la]}}
        : null;
      var g = this.group[i];
      var members = this.groups.get(g);
      if (members) members.push(i); else this.groups.set(g, [i]);
    }
  }

  Events.prototype.typeName = function (i) { return this.eventTypes[this.type[i]] || "other"; };
  Events.prototype.undated = function (i) {
    return this.dateStart[i] === NO_DAY || this.datePrecisions[this.datePrecision[i]] === "undated";
  };
  Events.prototype.colour = function (i) {
    if (this.undated(i)) return UNDATED_COLOUR;
    if (this.colourBy === "source") {
      var source = this.json.articles.source[this.json.article[i]] || "";
      return this.sourceColours.get(source) || OTHER_SOURCES_COLOUR;
    }
    return TYPE_COLOURS[this.typeName(i)] || FALLBACK_COLOUR;
  };
  /** Colour markers by "type" (default) or "source" (the most frequent sources get colours). */
  Events.prototype.setColourBy = function (by) {
    this.colourBy = by === "source" ? "source" : "type";
    if (this.sourceColours) return;
    var counts = new Map();
    for (var i = 0; i < this.count; i++) {
      var s = this.json.articles.source[this.json.article[i]] || "";
      counts.set(s, (counts.get(s) || 0) + 1);
    }
    var ranked = Array.from(counts.keys()).filter(function (s) { return s !== ""; })
      .sort(function (a, b) { return counts.get(b) - counts.get(a) || (a < b ? -1 : 1); });
    this.sourceColours = new Map();
    for (var k = 0; k < Math.min(ranked.length, SOURCE_PALETTE.length); k++) {
      this.sourceColours.set(ranked[k], SOURCE_PALETTE[k]);
    }
  };
  Events.prototype.article = function (i) {
    var a = this.json.article[i], arts = this.json.articles;
    return {title: arts.title[a], source: arts.source[a], published: arts.published[a], url: arts.url[a]};
  };
  Events.prototype.dateLabel = function (i) {
    if (this.undated(i)) return "undated";
    var precision = this.datePrecisions[this.datePrecision[i]];
    var start = isoDay(this.dateStart[i]);
    if (precision === "day") return "day of " + (this.json.date[i] || start);
    if (precision === "week") return "week of " + start;
    if (precision === "month") return "month of " + start.slice(0, 7);
    if (precision === "year") return "year of " + start.slice(0, 4);
    var month = +start.slice(5, 7), year = +start.slice(0, 4);
    if (precision === "quarter") return "Q" + Math.ceil(month / 3) + " " + year;
    if (precision === "season") {  // a season starts in March, June, September or December
      var season = ["spring", "summer", "autumn", "winter"][Math.floor((month - 3 + 12) % 12 / 3)];
      return month === 12 ? "winter " + year + "-" + String(year + 1).slice(2) : season + " " + year;
    }
    if (precision === "decade") return "the " + start.slice(0, 3) + "0s";
    return precision + " of " + start;
  };
  Events.prototype.placeLabel = function (i) {
    var place = this.json.place[i] || "unknown place";
    var country = this.json.country[i];
    return country ? place + " (" + country + ")" : place;
  };
  Events.prototype.fatalitiesLabel = function (i) {
    var f = this.json.fatalities[i];
    if (f === null || f === undefined) return "fatalities not given";
    return plural(f, "fatality", "fatalities");
  };
  Events.prototype.style = function (i) {
    var colour = this.colour(i);
    var f = this.json.fatalities[i];
    var radius = 5 + Math.min(13, 1.6 * Math.sqrt(f > 0 ? f : 0));  // sqrt scale, capped at 18 px
    var preciseDate = this.datePrecision[i] === this.preciseDate || this.undated(i);
    var precisePlace = this.placePrecision[i] === this.precisePlace;
    return {
      radius: radius,
      color: preciseDate ? "#ffffff" : colour,
      weight: preciseDate ? 1.2 : 2.4,
      opacity: 1,
      fillColor: colour,
      // imprecise date (week/month/year): hollow; undated: grey (this.colour) and filled
      fillOpacity: preciseDate || this.undated(i) ? 0.88 : 0.12,
      dashArray: precisePlace ? null : "3 3"       // imprecise place (admin1/country): dashed
    };
  };

  // ------------------------------------------------------------------ the Leaflet layer

  var EventLayer = L.Layer.extend({
    options: {
      dataUrl: null,
      basemapUrl: null,
      iconImagePath: null,
      maxZoom: 14
    },

    initialize: function (options) {
      L.setOptions(this, options);
      this.events = null;
      this.mask = null;
      this.maskVersion = 0;
      this.visible = 0;
      this.index = null;
      this.rendered = 0;
      this.spider = [];
      this.spiderCluster = null;
      this.lastApplyMs = null;
      this.selected = null;       // the event selected from outside (table, link) or by a click
      this.display = "markers";   // or "heat": a heatmap of the visible events (leaflet.heat)
      this.heat = null;
      this.caption = "";          // the window and counts, written on the PNG
      this.pendingSelect = undefined;
    },

    getAttribution: function () {
      return this.options.basemapUrl ? "Natural Earth" : null;
    },

    onAdd: function (map) {
      this._map = map;
      var container = map.getContainer();
      L.DomUtil.addClass(container, "dl-map");
      if (this.options.basemapUrl) L.DomUtil.addClass(container, "dl-map-offline");
      container.setAttribute("data-loaded", "false");
      container.setAttribute("data-mask-version", "0");
      if (this.options.iconImagePath && L.Icon && L.Icon.Default) {
        // We draw no default markers, but anything that does must not 404.
        L.Icon.Default.imagePath = this.options.iconImagePath;
      }
      if (!map.getPane("dl-basemap")) {
        map.createPane("dl-basemap").style.zIndex = 150;
        var labels = map.createPane("dl-labels");
        labels.style.zIndex = 350;  // above the basemap, below the events (overlayPane: 400)
        labels.style.pointerEvents = "none";
      }
      this.labelLayer = L.layerGroup().addTo(map);
      this.renderer = L.canvas({padding: 0.3, tolerance: 3});
      this.markers = L.layerGroup().addTo(map);
      this.spiderLayer = L.layerGroup().addTo(map);
      this.popup = L.popup({maxWidth: 360, minWidth: 260, maxHeight: 380, autoPanPadding: [24, 24],
                            className: "dl-leaflet-popup"});
      this.tooltip = L.tooltip({direction: "top", offset: [0, -6], className: "dl-tooltip"});
      this.legend = legendControl(this).addTo(map);
      this.fitControl = fitControl(this).addTo(map);
      this.pngControl = pngControl(this).addTo(map);
      map.on("moveend", this._render, this);
      map.on("moveend", this._renderLabels, this);
      map.on("zoomstart", this._unspiderfy, this);
      map.on("click", this._unspiderfy, this);
      layers.push(this);
      if (pendingColourBy) { this.colourBy = pendingColourBy; pendingColourBy = undefined; }
      if (pendingDisplay) { this.display = pendingDisplay; pendingDisplay = undefined; }
      if (pendingCaption !== undefined) { this.caption = pendingCaption; pendingCaption = undefined; }
      if (this.options.basemapUrl) this._loadBasemap();
      this._loadEvents();
    },

    onRemove: function (map) {
      map.off("moveend", this._render, this);
      map.off("moveend", this._renderLabels, this);
      map.removeLayer(this.labelLayer);
      map.off("zoomstart", this._unspiderfy, this);
      map.off("click", this._unspiderfy, this);
      map.removeLayer(this.markers);
      map.removeLayer(this.spiderLayer);
      map.removeControl(this.legend);
      map.removeControl(this.fitControl);
      map.removeControl(this.pngControl);
      if (this.heat) map.removeLayer(this.heat);
      if (this.basemap) map.removeLayer(this.basemap);
      layers.splice(layers.indexOf(this), 1);
    },

    _loadBasemap: function () {
      var self = this;
      fetchJson(this.options.basemapUrl).then(function (topo) {
        var countries = topojson.feature(topo, topo.objects.countries);
        countries.features.forEach(unwrapAntimeridian);
        self.countries = countries;  // kept for the PNG, which draws them itself
        self.basemap = L.geoJSON(countries, {
          pane: "dl-basemap",
          renderer: L.canvas({pane: "dl-basemap", padding: 0.3}),
          interactive: false,
          style: {color: "#a39c8c", weight: 0.8, fillColor: "#f4f1e8", fillOpacity: 1}
        }).addTo(self._map);
        self.countryLabels = countryLabels(countries);
        self._renderLabels();
      }).catch(function (err) {
        console.error("Datelines: could not load the basemap " + self.options.basemapUrl + ": " + err.message);
      });
    },

    _renderLabels: function () {
      if (!this.countryLabels || !this._map) return;
      var map = this._map, zoom = map.getZoom(), view = map.getBounds();
      // A country is named once it is big enough on screen: area (deg²) · 4^zoom.
      var minArea = 2400 / Math.pow(4, zoom);
      this.labelLayer.clearLayers();
      for (var k = 0; k < this.countryLabels.length; k++) {
        var label = this.countryLabels[k];
        if (label.area < minArea || !view.contains(label.latlng)) continue;
        var text = el("span", null, label.name);
        this.labelLayer.addLayer(L.marker(label.latlng, {
          pane: "dl-labels", interactive: false, keyboard: false,
          icon: L.divIcon({html: text, className: "dl-country-label", iconSize: null})
        }));
      }
    },

    _loadEvents: function () {
      var self = this;
      this.legend.setStatus("Loading events…");
      var url = this.options.dataUrl, prefetch = window.datelinesPrefetch;
      var started = prefetch && prefetch.startedAt(url);
      var timings = this.timings = {requested: started === undefined ? performance.now() : started};
      fetchJson(url).then(function (json) {
        var got = prefetch && prefetch.receivedAt(url);
        if (got) { timings.received = got.at; timings.bytes = got.bytes; }
        timings.parsed = performance.now();
        self.events = new Events(json);
        timings.built = performance.now();
        self.events.setColourBy(self.colourBy || "type");
        self.legend.setColours(self.events);
        self._map.getContainer().setAttribute("data-loaded", "true");
        self.loaded = true;
        var mask = self.mask || pendingMask;
        pendingMask = null;
        if (mask && mask.count === self.events.count) {
          self._applyMask(mask.b64, mask.count);
        } else {
          if (mask) maskMismatch(mask.count, self.events.count);
          self._applyMask(null, self.events.count);   // everything, until a mask arrives
        }
        timings.drawn = performance.now();
        self._reportDrawn();
        var wanted = self.pendingSelect !== undefined ? self.pendingSelect : pendingSelect;
        self.pendingSelect = pendingSelect = undefined;
        if (wanted !== undefined) self.select(wanted.i, wanted.pan);
      }).catch(function (err) {
        self.legend.setStatus("Could not load the events (" + err.message + "): reload the page");
        console.error("Datelines: could not load events from " + self.options.dataUrl + ": " + err.message);
      });
    },

    /** Show only the events whose bit is set (base64 of numpy.packbits); null: all of them. */
    setMask: function (b64, count) {
      if (!this.events) {
        this.mask = {b64: b64, count: count};
        return;
      }
      if (count !== this.events.count) {
        maskMismatch(count, this.events.count);
        return;
      }
      // A rerun that changed only the selection sends the same mask: nothing to redraw.
      if (this.mask && this.mask.b64 === b64 && this.mask.count === count) return;
      this._applyMask(b64, count);
    },

    /**
     * Select event i (null: none): open its popup and, unless pan is false (a link that also
     * gives the map's view), pan to it, close enough to see it apart. The same selection again
     * does nothing, so reruns do not move a map the analyst moved.
     */
    select: function (i, pan) {
      if (!this.events) { this.pendingSelect = {i: i, pan: pan}; return; }
      if (i === this.selected) return;
      this.selected = i;
      if (i === null || i === undefined) return;
      if (i < 0 || i >= this.events.count) {
        console.error("Datelines: no event " + i + " to select");
        return;
      }
      var ev = this.events;
      if (ev.hasPoint[i] && pan !== false) {
        var at = L.latLng(ev.lat[i], ev.lon[i]);
        this._map.setView(at, Math.max(this._map.getZoom(), SELECT_MIN_ZOOM), {animate: false});
      }
      // Not panning means not panning for the popup either: the link's view stays as it was.
      this.popup.options.autoPan = pan !== false;
      try {
        this.openEvent(i);
      } finally {
        this.popup.options.autoPan = true;
      }
    },

    /** Fit the map to the visible events (the bulk of them: FIT_SHARE, no far outliers). */
    fitVisible: function () {
      if (!this.index || !this.visible) return false;
      var ev = this.events, bits = this.mask ? decodeMask(this.mask.b64, this.mask.count) : null;
      var lats = [], lons = [];
      for (var i = 0; i < ev.count; i++) {
        if ((bits === null || bits[i]) && ev.hasPoint[i]) { lats.push(ev.lat[i]); lons.push(ev.lon[i]); }
      }
      var b = denseBounds(lats, lons, FIT_SHARE);
      this._map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {padding: [32, 32], maxZoom: 9, animate: false});
      return true;
    },

    /** Colour markers by "type" or "source"; redraws and rewrites the legend. */
    setColourBy: function (by) {
      this.colourBy = by;
      if (!this.events) return;
      if ((this.events.colourBy || "type") === (by === "source" ? "source" : "type")) return;
      this.events.setColourBy(by);
      this.legend.setColours(this.events);
      this._render();
    },

    /** Show the visible events as "markers" (clustered, clickable) or a "heat" map. */
    setDisplay: function (mode) {
      mode = mode === "heat" ? "heat" : "markers";
      if (mode === this.display) return;
      this.display = mode;
      if (this.index) { this._unspiderfy(); this._render(); }
    },

    /** The visible events' [lat, lon] (what the heatmap draws). */
    _visiblePoints: function () {
      var ev = this.events, bits = this.mask ? decodeMask(this.mask.b64, this.mask.count) : null;
      var out = [];
      for (var i = 0; i < ev.count; i++) {
        if ((bits === null || bits[i]) && ev.hasPoint[i]) out.push([ev.lat[i], ev.lon[i]]);
      }
      return out;
    },

    /** Heat mode: no markers, one leaflet.heat layer of the visible events. */
    _renderHeat: function () {
      var map = this._map;
      this.markers.clearLayers();
      this.clusters = 0;
      this.rendered = 0;
      if (!this.heat) {
        if (!L.heatLayer) {
          console.error("Datelines: leaflet-heat.js is not loaded; run `make setup`");
          return;
        }
        this.heat = L.heatLayer([], HEAT_OPTIONS);
      }
      if (!map.hasLayer(this.heat)) this.heat.addTo(map);
      if (this.heatVersion !== this.maskVersion) {
        this.heat.setLatLngs(this._visiblePoints());
        this.heatVersion = this.maskVersion;
      }
      map.getContainer().setAttribute("data-rendered-count", "0");
      map.getContainer().setAttribute("data-display", "heat");
    },

    /** Tell streamlit-folium (and so the app) which event's marker was clicked. */
    _reportClick: function (i, latlng) {
      clickCount += 1;
      this._report(CLICK_PREFIX + i + ":" + clickCount, latlng);
    },

    /**
     * Tell the app the events are on the map: it draws the page below the map (timeline,
     * table, review) only then, so they do not compete with the map for the server and for
     * this page's main thread while a big data set loads. Once per layer.
     */
    _reportDrawn: function () {
      if (this.drawnReported || !wantDrawn || !this.events) return;
      this.drawnReported = true;
      this._report(DRAWN_PREFIX + this.events.count, null);
    },

    _report: function (token, latlng) {
      // streamlit-folium listens for "click" on every layer of the map and reads the clicked
      // thing's tooltip text; this carrier hands it our token instead of HTML.
      var carrier = {
        _tooltip: {_content: token},
        getTooltip: function () { return {getContent: function () { return token; }}; }
      };
      this.fire("click", {latlng: latlng, sourceTarget: carrier});
    },

    _applyMask: function (b64, count) {
      var t0 = performance.now();
      var ev = this.events;
      this.mask = b64 === null ? null : {b64: b64, count: count};
      var bits = b64 === null ? null : decodeMask(b64, count);
      var points = [];
      for (var i = 0; i < ev.count; i++) {
        if ((bits === null || bits[i]) && ev.hasPoint[i]) points.push(ev.features[i]);
      }
      this.visible = points.length;
      this.index = new Supercluster({radius: CLUSTER_RADIUS, maxZoom: this.options.maxZoom, minPoints: 2});
      this.index.load(points);
      this.spiderCluster = null;  // cluster ids belong to the old index
      this._unspiderfy();
      this.maskVersion += 1;
      this._render();
      this.lastApplyMs = performance.now() - t0;
      var container = this._map.getContainer();
      container.setAttribute("data-visible-count", String(this.visible));
      container.setAttribute("data-mask-version", String(this.maskVersion));
      this.legend.setStatus(this.visible === 0
        ? "No events in this selection"
        : plural(this.visible, "event", "events") + " shown");
    },

    _render: function () {
      if (!this.index || !this._map) return;
      var map = this._map;
      if (this.display === "heat") { this._renderHeat(); return; }
      if (this.heat && map.hasLayer(this.heat)) map.removeLayer(this.heat);
      map.getContainer().setAttribute("data-display", "markers");
      var b = map.getBounds().pad(0.25);
      var west = b.getWest(), east = b.getEast();
      if (east - west >= 360) { west = -180; east = 180; }  // the whole world is in view
      // supercluster takes [west, south, east, north] and handles west > east (antimeridian).
      west = ((west + 540) % 360) - 180;
      east = ((east + 540) % 360) - 180;
      if (east === -180) east = 180;
      var bbox = [west, Math.max(-90, b.getSouth()), east, Math.min(90, b.getNorth())];
      var items = this.index.getClusters(bbox, Math.round(map.getZoom()));
      this.markers.clearLayers();
      this.clusters = 0;
      for (var k = 0; k < items.length; k++) {
        var item = items[k];
        // GeoJSON positions are [lon, lat]; Leaflet wants [lat, lon].
        var latlng = [item.geometry.coordinates[1], item.geometry.coordinates[0]];
        if (item.properties.cluster) {
          if (item.properties.cluster_id === this.spiderCluster) continue;
          this.markers.addLayer(this._clusterMarker(item, latlng));
          this.clusters += 1;
        } else {
          this.markers.addLayer(this._eventMarker(item.properties.i, latlng));
        }
      }
      this.rendered = items.length;
      map.getContainer().setAttribute("data-rendered-count", String(items.length));
    },

    _eventMarker: function (i, latlng) {
      var style = this.events.style(i);
      style.renderer = this.renderer;
      style.bubblingMouseEvents = false;
      var marker = L.circleMarker(latlng, style);
      marker.eventIndex = i;
      marker.on("click", this._onEventClick, this);
      marker.on("mouseover", this._onEventOver, this);
      marker.on("mouseout", this._onEventOut, this);
      return marker;
    },

    _clusterMarker: function (cluster, latlng) {
      var count = cluster.properties.point_count;
      var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 50;
      var inner = el("div", "dl-cluster-inner");
      inner.appendChild(el("span", "dl-cluster-count", count < 10000 ? String(count) : Math.round(count / 1000) + "k"));
      var marker = L.marker(latlng, {
        icon: L.divIcon({html: inner, className: "dl-cluster", iconSize: [size, size]}),
        keyboard: true,
        title: plural(count, "event", "events") + ": click to zoom in or list them",
        alt: plural(count, "event", "events"),
        bubblingMouseEvents: false
      });
      marker.clusterId = cluster.properties.cluster_id;
      marker.clusterCount = count;
      marker.on("add", function () {
        var node = marker.getElement();
        node.setAttribute("data-testid", "event-cluster");
        node.setAttribute("data-count", String(count));
      });
      marker.on("click", this._onClusterClick, this);
      return marker;
    },

    _onEventClick: function (e) {
      L.DomEvent.stopPropagation(e);
      var i = e.target.eventIndex;
      this.selected = i;  // the rerun this click causes selects it again: nothing to do then
      this.openEvent(i, e.target.getLatLng());
      this._reportClick(i, e.target.getLatLng());
    },

    _onEventOver: function (e) {
      var i = e.target.eventIndex, ev = this.events;
      var tip = el("div", "dl-tooltip-body");
      tip.appendChild(el("strong", null, ev.placeLabel(i)));
      tip.appendChild(el("span", null, " · " + ev.dateLabel(i) + " · " + ev.typeName(i)));
      this.tooltip.setLatLng(e.target.getLatLng()).setContent(tip);
      this._map.openTooltip(this.tooltip);
    },

    _onEventOut: function () {
      this._map.closeTooltip(this.tooltip);
    },

    _onClusterClick: function (e) {
      L.DomEvent.stopPropagation(e);
      var marker = e.target, map = this._map;
      var zoom = this.index.getClusterExpansionZoom(marker.clusterId);
      if (zoom <= map.getMaxZoom() && zoom > map.getZoom()) {
        map.setView(marker.getLatLng(), zoom);
        return;
      }
      // These events cannot be told apart by zooming: spread them, or list them.
      var leaves = this.index.getLeaves(marker.clusterId, Infinity).map(function (f) { return f.properties.i; });
      var ev = this.events;
      leaves.sort(function (a, b) { return ev.dateStart[a] - ev.dateStart[b] || a - b; });
      if (leaves.length <= SPIDER_MAX) this._spiderfy(marker.getLatLng(), leaves, marker.clusterId);
      else this._openList(marker.getLatLng(), leaves);
    },

    _spiderfy: function (centre, indices, clusterId) {
      this._unspiderfy();
      this.spiderCluster = clusterId;  // its marker gives way to the spread-out events
      this._render();
      var map = this._map, n = indices.length;
      var origin = map.latLngToLayerPoint(centre);
      var positions = [];
      if (n <= 9) {
        var r = Math.max(30, (n * 24) / (2 * Math.PI));
        for (var k = 0; k < n; k++) {
          var a = (2 * Math.PI * k) / n - Math.PI / 2;
          positions.push(origin.add([r * Math.cos(a), r * Math.sin(a)]));
        }
      } else {
        // Archimedean spiral, Leaflet.markercluster's constants: evenly spaced legs.
        var legLength = 20, angle = 0;  // starts clear of the centre dot
        for (var j = 0; j < n; j++) {
          angle += 28 / legLength + j * 0.0005;
          positions.push(origin.add([legLength * Math.cos(angle), legLength * Math.sin(angle)]));
          legLength += (5 * 2 * Math.PI) / angle;
        }
      }
      this.spiderLayer.addLayer(L.circleMarker(centre, {
        renderer: this.renderer, radius: 4, color: "#2f3b45", weight: 1, fillColor: "#2f3b45",
        fillOpacity: 1, interactive: false
      }));
      for (var m = 0; m < n; m++) {
        var latlng = map.layerPointToLatLng(positions[m]);
        this.spiderLayer.addLayer(L.polyline([centre, latlng], {
          renderer: this.renderer, color: "#444", weight: 1, opacity: 0.6, interactive: false
        }));
        var marker = this._eventMarker(indices[m], latlng);
        this.spiderLayer.addLayer(marker);
        this.spider.push(marker);
      }
    },

    _unspiderfy: function () {
      if (this.spiderLayer) this.spiderLayer.clearLayers();
      this.spider = [];
      if (this.spiderCluster !== null && this.spiderCluster !== undefined) {
        this.spiderCluster = null;
        this._render();
      }
    },

    _openList: function (centre, indices) {
      var self = this, ev = this.events;
      var box = el("div", "dl-list");
      box.setAttribute("data-testid", "event-list");
      box.appendChild(el("div", "dl-list-title", plural(indices.length, "event", "events") + " at this point"));
      var list = el("ul", "dl-list-items");
      box.appendChild(list);
      var more = el("button", "dl-link dl-more");
      more.type = "button";
      var shown = 0;
      function page() {
        var stop = Math.min(indices.length, shown + LIST_PAGE);
        for (; shown < stop; shown++) {
          list.appendChild(reportItem(self, indices[shown], true));
        }
        more.textContent = "show " + Math.min(LIST_PAGE, indices.length - shown) + " more of " +
          (indices.length - shown).toLocaleString("en");
        more.style.display = shown < indices.length ? "" : "none";
      }
      L.DomEvent.on(more, "click", function (e) { L.DomEvent.stop(e); page(); });
      box.appendChild(more);
      page();
      this.popup.setLatLng(centre).setContent(box).openOn(this._map);
    },

    /** Open event i's popup (at latlng, default its own point). */
    openEvent: function (i, latlng) {
      var ev = this.events;
      if (!ev || i < 0 || i >= ev.count) throw new Error("Datelines: no event " + i);
      var at = latlng || (ev.hasPoint[i] ? L.latLng(ev.lat[i], ev.lon[i]) : this._map.getCenter());
      this.popup.setLatLng(at).setContent(eventPopup(this, i)).openOn(this._map);
      return this.popup.getElement();
    }
  });

  // ------------------------------------------------------------------ basemap geometry

  /**
   * world-atlas rings are drawn for d3's spherical clipping and jump from 180 to -180 where they
   * cross the antimeridian; Leaflet draws that jump as a band across the map. Make longitudes
   * continuous (Chukotka and Fiji extend past 180) and close a ring that goes round a pole
   * (Antarctica) along the pole.
   */
  function unwrapAntimeridian(feature) {
    var g = feature.geometry;
    if (!g) return;
    var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    polygons.forEach(function (poly) {
      for (var r = 0; r < poly.length; r++) poly[r] = unwrapRing(poly[r]);
    });
  }

  function unwrapRing(ring) {
    var out = [[ring[0][0], ring[0][1]]], offset = 0, latSum = ring[0][1];
    for (var k = 1; k < ring.length; k++) {
      var dx = ring[k][0] - ring[k - 1][0];
      if (dx > 180) offset -= 360;
      else if (dx < -180) offset += 360;
      out.push([ring[k][0] + offset, ring[k][1]]);
      latSum += ring[k][1];
    }
    if (offset !== 0) {  // went once round a pole: close the ring along it
      var pole = latSum < 0 ? -90 : 90, last = out[out.length - 1];
      out.push([last[0], pole], [out[0][0], pole], [out[0][0], out[0][1]]);
    }
    return out;
  }

  // ------------------------------------------------------------------ country names

  function ringArea(ring) {  // shoelace, in deg², with the ring's centroid
    var a = 0, cx = 0, cy = 0;
    for (var k = 0, n = ring.length, j = n - 1; k < n; j = k++) {
      var f = ring[j][0] * ring[k][1] - ring[k][0] * ring[j][1];
      a += f;
      cx += (ring[j][0] + ring[k][0]) * f;
      cy += (ring[j][1] + ring[k][1]) * f;
    }
    a /= 2;
    return a === 0 ? null : {area: Math.abs(a), x: cx / (6 * a), y: cy / (6 * a)};
  }

  /** One label per country, at the centroid of its largest polygon. */
  function countryLabels(collection) {
    var out = [];
    collection.features.forEach(function (feature) {
      var name = feature.properties && feature.properties.name;
      var g = feature.geometry;
      if (!name || !g) return;
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      var best = null, total = 0;
      polygons.forEach(function (poly) {
        var r = ringArea(poly[0]);
        if (!r) return;
        total += r.area;
        if (!best || r.area > best.area) best = r;
      });
      // GeoJSON positions are [lon, lat]; Leaflet wants [lat, lon].
      if (best) out.push({name: name, area: total, latlng: L.latLng(best.y, best.x)});
    });
    return out.sort(function (a, b) { return b.area - a.area; });
  }

  // ------------------------------------------------------------------ popup content (DOM only)

  function highlighted(text, spans) {
    // spans: [[start, end, className], ...] in UTF-16 units; drop invalid and overlapping ones.
    var frag = el("blockquote", "dl-excerpt");
    var ok = spans.filter(function (s) {
      return s[0] !== null && Number.isInteger(s[0]) && Number.isInteger(s[1]) &&
        s[0] >= 0 && s[0] < s[1] && s[1] <= text.length;
    }).sort(function (a, b) { return a[0] - b[0]; });
    var at = 0;
    for (var k = 0; k < ok.length; k++) {
      var s = ok[k];
      if (s[0] < at) continue;
      if (s[0] > at) frag.appendChild(document.createTextNode(text.slice(at, s[0])));
      frag.appendChild(el("mark", s[2], text.slice(s[0], s[1])));
      at = s[1];
    }
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  function reportItem(layer, j, withPlace) {
    var ev = layer.events, art = ev.article(j);
    var item = el("li", "dl-report");
    var button = el("button", "dl-link");
    button.type = "button";
    button.setAttribute("data-event-index", String(j));
    // Reports of one event may come from one article: the date and place tell them apart.
    var label = ev.dateLabel(j) + " · " + (withPlace ? ev.placeLabel(j) + " · " + ev.typeName(j) + " · " : "") +
      (art.source || "unknown source") + (art.published ? " " + art.published : "") + ": " +
      (art.title || "untitled");
    button.textContent = label;
    L.DomEvent.on(button, "click", function (e) {
      L.DomEvent.stop(e);
      layer.selected = j;
      layer.openEvent(j);
      layer._reportClick(j, layer.popup.getLatLng());
    });
    item.appendChild(button);
    return item;
  }

  function eventPopup(layer, i) {
    var ev = layer.events, json = ev.json, art = ev.article(i);
    var box = el("div", "dl-popup");
    box.setAttribute("data-testid", "event-popup");
    box.setAttribute("data-event-index", String(i));

    box.appendChild(el("div", "dl-place", ev.placeLabel(i)));
    var precision = ev.placePrecisions[ev.placePrecision[i]];
    if (precision === "admin1") box.appendChild(el("div", "dl-note", "province-level place, drawn at its namesake town"));
    if (precision === "country") box.appendChild(el("div", "dl-note", "country-level place, drawn at a representative point"));
    box.appendChild(el("div", "dl-when", ev.dateLabel(i)));

    var what = el("div", "dl-what");
    var swatch = el("span", "dl-swatch");
    swatch.style.background = ev.colour(i);
    what.appendChild(swatch);
    what.appendChild(el("span", "dl-type", ev.typeName(i)));
    what.appendChild(el("span", "dl-fatalities", " · " + ev.fatalitiesLabel(i)));
    box.appendChild(what);

    var excerpt = json.excerpt[i];
    if (excerpt) {
      var ps = json.place_span[i] || [null, null], ds = json.date_span[i] || [null, null];
      box.appendChild(highlighted(excerpt, [[ps[0], ps[1], "dl-mark-place"], [ds[0], ds[1], "dl-mark-date"]]));
    }

    var source = el("div", "dl-source");
    var url = webUrl(art.url);
    var title = art.title || "untitled article";
    if (url) {
      var link = el("a", "dl-title", title);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      source.appendChild(link);
    } else {
      source.appendChild(el("span", "dl-title", title));
    }
    source.appendChild(el("div", "dl-byline",
      (art.source || "unknown source") + " · " + (art.published ? "published " + art.published : "publication date unknown")));
    box.appendChild(source);

    var members = ev.groups.get(ev.group[i]) || [i];
    var group = el("div", "dl-group");
    group.appendChild(el("div", "dl-group-title", "1 event, " + plural(members.length, "report", "reports")));
    if (members.length > 1) {
      var list = el("ul", "dl-list-items");
      for (var k = 0; k < members.length; k++) {
        if (members[k] !== i) list.appendChild(reportItem(layer, members[k], false));
      }
      group.appendChild(list);
    }
    box.appendChild(group);
    return box;
  }

  // ------------------------------------------------------------------ legend and status

  function swatchRow(label, style) {
    var row = el("div", "dl-legend-row");
    var dot = el("span", "dl-legend-dot");
    for (var k in style) dot.style[k] = style[k];
    row.appendChild(dot);
    row.appendChild(el("span", null, label));
    return row;
  }

  function legendControl(layer) {
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var box = el("div", "dl-legend leaflet-bar");
      box.setAttribute("data-testid", "map-legend");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      this.status = el("div", "dl-status", "");
      this.status.setAttribute("data-testid", "map-status");
      box.appendChild(this.status);
      var details = el("details", "dl-legend-details");
      // Open where it hides little of the map; a click on "Legend" opens or closes it.
      details.open = layer._map.getSize().x >= 1000;
      details.appendChild(el("summary", null, "Legend"));
      var types = el("div", "dl-legend-grid");
      this.colours = types;
      Object.keys(TYPE_COLOURS).forEach(function (name) {
        types.appendChild(swatchRow(name, {background: TYPE_COLOURS[name], borderColor: "#fff"}));
      });
      details.appendChild(types);
      details.appendChild(el("div", "dl-legend-sep"));
      var kinds = el("div", "dl-legend-grid");
      kinds.appendChild(swatchRow("exact day", {background: "#666", borderColor: "#fff"}));
      kinds.appendChild(swatchRow("week/month/year: hollow", {background: "rgba(102,102,102,0.12)", borderColor: "#666", borderWidth: "2px"}));
      kinds.appendChild(swatchRow("undated: grey", {background: UNDATED_COLOUR, borderColor: "#fff"}));
      kinds.appendChild(swatchRow("province/country: dashed", {background: "#666", borderColor: "#222", borderStyle: "dashed"}));
      details.appendChild(kinds);
      details.appendChild(el("div", "dl-legend-note", "Larger: more fatalities. Numbered: a cluster; click it to zoom in or list its events."));
      box.appendChild(details);
      return box;
    };
    /** The colour rows: event types, or the sources that have a colour. */
    control.setColours = function (events) {
      if (!this.colours) return;
      while (this.colours.firstChild) this.colours.removeChild(this.colours.firstChild);
      var box = this.colours;
      if (events.colourBy === "source") {
        events.sourceColours.forEach(function (colour, name) {
          box.appendChild(swatchRow(name, {background: colour, borderColor: "#fff"}));
        });
        box.appendChild(swatchRow("other sources", {background: OTHER_SOURCES_COLOUR, borderColor: "#fff"}));
      } else {
        Object.keys(TYPE_COLOURS).forEach(function (name) {
          box.appendChild(swatchRow(TYPE_LABELS[name] || name, {background: TYPE_COLOURS[name], borderColor: "#fff"}));
        });
      }
    };
    control.setStatus = function (text) {
      if (this.status) this.status.textContent = text;
    };
    return control;
  }

  /** [west, south, east, north] of the bulk of the points: the share kept on both axes. */
  function denseBounds(lats, lons, share) {
    var n = lats.length, cut = Math.floor(n * (1 - share) / 2);
    var num = function (a, b) { return a - b; };
    var keepLat = [-90, 90], keepLon = [-180, 180];
    if (cut > 0) {
      var sl = lats.slice().sort(num), so = lons.slice().sort(num);
      keepLat = [sl[cut], sl[n - 1 - cut]];
      keepLon = [so[cut], so[n - 1 - cut]];
    }
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    for (var k = 0; k < n; k++) {
      if (lats[k] < keepLat[0] || lats[k] > keepLat[1] || lons[k] < keepLon[0] || lons[k] > keepLon[1]) continue;
      b = [Math.min(b[0], lons[k]), Math.min(b[1], lats[k]), Math.max(b[2], lons[k]), Math.max(b[3], lats[k])];
    }
    if (b[0] === Infinity) {  // the cuts on the two axes left nothing: every point then
      for (var j = 0; j < n; j++) {
        b = [Math.min(b[0], lons[j]), Math.min(b[1], lats[j]), Math.max(b[2], lons[j]), Math.max(b[3], lats[j])];
      }
    }
    return b;
  }

  function fitControl(layer) {
    var control = L.control({position: "topleft"});
    control.onAdd = function () {
      var box = el("div", "dl-fit leaflet-bar");
      var button = el("button", "dl-fit-button", "Zoom to events in view");
      button.type = "button";
      button.title = "Fit the map to the events in view (all but far outliers)";
      button.setAttribute("data-testid", "zoom-to-events");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", function (e) { L.DomEvent.stop(e); layer.fitVisible(); });
      box.appendChild(button);
      return box;
    };
    return control;
  }

  // ------------------------------------------------------------------ PNG for a report
  //
  // Drawn afresh on a canvas from the data the layer holds (countries, visible events,
  // legend, caption) rather than by screenshotting the page: the map's own canvases miss the
  // cluster badges and labels (DOM elements), and web tiles from another origin would taint
  // the canvas. With the OpenStreetMap basemap the PNG has a plain background and says so.

  var PNG_HEADER = 44;  // px above the map for the title and the window

  function pngControl(layer) {
    var control = L.control({position: "topleft"});
    control.onAdd = function () {
      var box = el("div", "dl-fit leaflet-bar");
      var button = el("button", "dl-fit-button", "Save PNG");
      button.type = "button";
      button.title = "Download this map view, with its legend and date window, as a PNG for a report";
      button.setAttribute("data-testid", "save-png");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", function (e) { L.DomEvent.stop(e); downloadPng(layer); });
      box.appendChild(button);
      return box;
    };
    return control;
  }

  function downloadPng(layer) {
    snapshotCanvas(layer).toBlob(function (blob) {
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "datelines-map.png";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }, "image/png");
  }

  /** A canvas with the caption, the basemap, the visible events (or heatmap) and the legend. */
  function snapshotCanvas(layer) {
    var map = layer._map, size = map.getSize();
    var canvas = document.createElement("canvas");
    canvas.width = size.x;
    canvas.height = size.y + PNG_HEADER;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    drawHeader(ctx, layer, canvas.width);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, PNG_HEADER, size.x, size.y);
    ctx.clip();
    ctx.translate(0, PNG_HEADER);
    ctx.fillStyle = layer.countries ? "#cadbe6" : "#eeeeee";
    ctx.fillRect(0, 0, size.x, size.y);
    if (layer.countries) drawCountries(ctx, map, layer.countries);
    if (layer.display === "heat" && layer.heat && layer.heat._canvas) {
      var at = map.layerPointToContainerPoint(L.DomUtil.getPosition(layer.heat._canvas));
      ctx.drawImage(layer.heat._canvas, at.x, at.y);
    } else if (layer.events) {
      drawEvents(ctx, layer);
    }
    ctx.restore();
    drawLegend(ctx, layer, canvas.width);
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#555555";
    ctx.textAlign = "right";
    ctx.fillText(layer.countries ? "Basemap: Natural Earth" : "Basemap not drawn (web tiles)",
      canvas.width - 6, canvas.height - 6);
    return canvas;
  }

  function drawHeader(ctx, layer, width) {
    ctx.fillStyle = "#1f1f1f";
    ctx.font = "bold 15px sans-serif";
    ctx.textBaseline = "alphabetic";
    ctx.fillText("Datelines", 10, 18);
    ctx.font = "13px sans-serif";
    var text = layer.caption || plural(layer.visible || 0, "event", "events") + " in view";
    if (layer.display === "heat") text += " · heatmap";
    ctx.fillText(text, 10, 36, width - 20);
  }

  function drawCountries(ctx, map, countries) {
    ctx.fillStyle = "#f4f1e8";
    ctx.strokeStyle = "#a39c8c";
    ctx.lineWidth = 0.8;
    countries.features.forEach(function (feature) {
      var g = feature.geometry;
      if (!g) return;
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      ctx.beginPath();
      polygons.forEach(function (poly) {
        poly.forEach(function (ring) {
          for (var k = 0; k < ring.length; k++) {
            var p = map.latLngToContainerPoint([ring[k][1], ring[k][0]]);
            if (k === 0) ctx.moveTo(p.x, p.y); else ctx.lineTo(p.x, p.y);
          }
          ctx.closePath();
        });
      });
      ctx.fill("evenodd");
      ctx.stroke();
    });
  }

  /** Every visible event in the view as its marker would look, unclustered. */
  function drawEvents(ctx, layer) {
    var ev = layer.events, map = layer._map, view = map.getBounds().pad(0.05);
    var bits = layer.mask ? decodeMask(layer.mask.b64, layer.mask.count) : null;
    var stacks = new Map();  // events drawn on the same pixel: counted, so none hides silently
    for (var i = 0; i < ev.count; i++) {
      if ((bits !== null && !bits[i]) || !ev.hasPoint[i]) continue;
      var latlng = L.latLng(ev.lat[i], ev.lon[i]);
      if (!view.contains(latlng)) continue;
      var p = map.latLngToContainerPoint(latlng), st = ev.style(i);
      var key = Math.round(p.x) + "," + Math.round(p.y), stack = stacks.get(key);
      if (stack) { stack.n += 1; stack.r = Math.max(stack.r, st.radius); } else stacks.set(key, {p: p, n: 1, r: st.radius});
      ctx.beginPath();
      ctx.arc(p.x, p.y, st.radius, 0, 2 * Math.PI);
      ctx.globalAlpha = st.fillOpacity;
      ctx.fillStyle = st.fillColor;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.setLineDash(st.dashArray ? [3, 3] : []);
      ctx.lineWidth = st.weight;
      ctx.strokeStyle = st.color;
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.font = "bold 11px sans-serif";
    ctx.textAlign = "left";
    stacks.forEach(function (stack) {
      if (stack.n < 2) return;
      var x = stack.p.x + stack.r + 2, y = stack.p.y + 4;
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#ffffff";
      ctx.strokeText("×" + stack.n, x, y);
      ctx.fillStyle = "#1f1f1f";
      ctx.fillText("×" + stack.n, x, y);
    });
  }

  /** [label, colour] rows of the current colouring (as the legend shows them). */
  function legendRows(events) {
    var rows = [];
    if (events && events.colourBy === "source") {
      events.sourceColours.forEach(function (colour, name) { rows.push([name, colour]); });
      rows.push(["other sources", OTHER_SOURCES_COLOUR]);
    } else {
      Object.keys(TYPE_COLOURS).forEach(function (name) { rows.push([name, TYPE_COLOURS[name]]); });
    }
    rows.push(["undated", UNDATED_COLOUR]);
    return rows;
  }

  function drawLegend(ctx, layer, width) {
    var rows = layer.display === "heat" ? [] : legendRows(layer.events);
    var note = layer.display === "heat" ? "Heatmap: brighter where events are denser" : "Hollow: week/month/year dates";
    ctx.font = "12px sans-serif";
    var w = ctx.measureText(note).width;
    rows.forEach(function (r) { w = Math.max(w, ctx.measureText(r[0]).width + 20); });
    w = Math.min(w + 16, width / 2);
    var h = 10 + rows.length * 17 + 20, x = width - w - 8, y = PNG_HEADER + 8;
    ctx.globalAlpha = 0.92;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(x, y, w, h);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = "#999999";
    ctx.lineWidth = 1;
    ctx.strokeRect(x, y, w, h);
    ctx.textAlign = "left";
    rows.forEach(function (r, k) {
      var cy = y + 14 + k * 17;
      ctx.beginPath();
      ctx.arc(x + 14, cy - 4, 5, 0, 2 * Math.PI);
      ctx.fillStyle = r[1];
      ctx.fill();
      ctx.fillStyle = "#1f1f1f";
      ctx.fillText(r[0], x + 26, cy, w - 32);
    });
    ctx.fillStyle = "#555555";
    ctx.fillText(note, x + 8, y + h - 8, w - 12);
  }

  function maskMismatch(got, expected) {
    console.error("Datelines: a mask for " + got + " events does not fit the " + expected +
      " events loaded; ignored (the page and the server disagree on the data set)");
  }

  // ------------------------------------------------------------------ public API

  L.datelines = {
    EventLayer: EventLayer,
    eventLayer: function (options) { return new EventLayer(options); },
    /** Called by the rerun's feature group (dashboard/mapview.py visibility_layer). */
    setMask: function (b64, count) {
      if (layers.length === 0) { pendingMask = {b64: b64, count: count}; return; }
      for (var k = 0; k < layers.length; k++) layers[k].setMask(b64, count);
    },
    /** Called by the rerun's feature group: colour markers by "type" or "source". */
    colourBy: function (by) {
      for (var k = 0; k < layers.length; k++) layers[k].setColourBy(by);
      if (layers.length === 0) pendingColourBy = by;
    },
    /** Called by the rerun's feature group: the event selected in the table or the link. */
    select: function (i, pan) {
      if (layers.length === 0) { pendingSelect = {i: i, pan: pan}; return; }
      for (var k = 0; k < layers.length; k++) layers[k].select(i, pan);
    },
    /** Called by the rerun's feature group: "markers" (default) or "heat". */
    display: function (mode) {
      for (var k = 0; k < layers.length; k++) layers[k].setDisplay(mode);
      if (layers.length === 0) pendingDisplay = mode;
    },
    /** Called by the rerun's feature group: whether the app waits for the first draw. */
    reportDrawn: function (want) {
      wantDrawn = !!want;
      for (var k = 0; k < layers.length; k++) layers[k]._reportDrawn();  // drawn already: now
    },
    /** Called by the rerun's feature group: the window and counts, for the PNG's header. */
    caption: function (text) {
      for (var k = 0; k < layers.length; k++) layers[k].caption = String(text || "");
      if (layers.length === 0) pendingCaption = String(text || "");
    },
    colours: TYPE_COLOURS
  };

  function current() {
    if (layers.length === 0) throw new Error("Datelines: no event layer on this page");
    return layers[layers.length - 1];
  }

  // Hooks for tests and benchmarks (read-only views of the live layer).
  window.datelines = {
    get loaded() { return layers.length > 0 && !!current().events; },
    get maskVersion() { return layers.length ? current().maskVersion : 0; },
    get lastApplyMs() { return layers.length ? current().lastApplyMs : null; },
    /** performance.now() of the events' download: requested, received, parsed, built, drawn. */
    get timings() { return layers.length ? current().timings || null : null; },
    map: function () { return current()._map; },
    visibleCount: function () { return current().visible; },
    renderedCount: function () { return current().rendered; },
    clusterCount: function () { return current().clusters; },
    setMask: function (b64, count) { L.datelines.setMask(b64, count); },
    openEvent: function (i) { return current().openEvent(i); },
    /** The selected event (table row, link or marker click), null for none. */
    selected: function () { return current().selected; },
    fitVisible: function () { return current().fitVisible(); },
    /** "markers" or "heat". */
    display: function () { return current().display; },
    /** Points in the heatmap (0 when showing markers). */
    heatCount: function () {
      var layer = current();
      return layer.display === "heat" && layer.heat ? layer.heat._latlngs.length : 0;
    },
    /** The PNG the "Save PNG" button downloads, as a data: URL (for tests). */
    snapshot: function () { return snapshotCanvas(current()).toDataURL("image/png"); },
    /** The spread-out markers: [{index, x, y}] in container pixels, for clicking them. */
    spiderfied: function () {
      var layer = current();
      return layer.spider.map(function (m) {
        var p = layer._map.latLngToContainerPoint(m.getLatLng());
        return {index: m.eventIndex, x: p.x, y: p.y};
      });
    },
    /** Container pixel of every drawn single-event marker: [{index, x, y}]. */
    eventPoints: function () {
      var layer = current(), out = [];
      layer.markers.eachLayer(function (m) {
        if (m.eventIndex !== undefined) {
          var p = layer._map.latLngToContainerPoint(m.getLatLng());
          out.push({index: m.eventIndex, x: p.x, y: p.y});
        }
      });
      return out;
    }
  };
})();
