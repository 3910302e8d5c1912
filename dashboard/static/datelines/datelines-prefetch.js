/*
 * Datelines prefetch: start the map's downloads at once, in parallel, as the frame opens.
 *
 * streamlit-folium loads a map's scripts one after another (each waits for the one before),
 * and the event layer asks for its events only once all of them have run: on a busy server
 * that put 1-2 s of waiting in front of the biggest download. This script is loaded first
 * (dashboard/mapview.py build_map) with what to fetch in its own query string:
 *
 *   datelines-prefetch.js?data=URL&basemap=URL&script=URL&script=URL&style=URL
 *
 * data and basemap are fetched now and read as soon as they arrive (gunzipped when gzip, then
 * JSON.parse), while the scripts still load, and kept as promises (the event layer takes them
 * with datelinesPrefetch.takeJson(url)); scripts and styles get <link rel=preload>, so the
 * loader's later <script src> finds them downloaded. Only same-origin paths ("/...") are
 * fetched. Plain ES2017, no dependencies.
 */
(function () {
  "use strict";

  var started = {};   // url -> Promise of its JSON
  var since = {};     // url -> performance.now() when its fetch started
  var received = {};  // url -> {at: performance.now() when its bytes were in, bytes}

  function samePath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function fetchBytes(url) {
    since[url] = performance.now();
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.arrayBuffer();
    });
  }

  /**
   * JSON from bytes, gunzipped first when they are gzip (the events are published as .json.gz:
   * served as they are, a seventh of the size, instead of compressed again on every request).
   */
  function decodeJson(buffer) {
    var bytes = new Uint8Array(buffer);
    if (!(bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)) {
      return Promise.resolve(JSON.parse(new TextDecoder().decode(bytes)));
    }
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot read gzip (no DecompressionStream)"));
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  function fetchJson(url) {
    return fetchBytes(url).then(function (bytes) {
      received[url] = {at: performance.now(), bytes: bytes.byteLength};
      return decodeJson(bytes);
    });
  }

  function preload(url, kind) {
    if (!samePath(url)) return;
    var link = document.createElement("link");
    link.rel = "preload";
    link.as = kind;
    link.href = url;
    document.head.appendChild(link);
  }

  var script = document.currentScript;
  var params = script && script.src ? new URL(script.src).searchParams : new URLSearchParams();
  ["data", "basemap"].forEach(function (name) {
    var url = params.get(name);
    if (samePath(url) && !started[url]) {
      started[url] = fetchJson(url);
      started[url].catch(function () {});  // reported by whoever takes it
    }
  });
  params.getAll("script").forEach(function (url) { preload(url, "script"); });
  params.getAll("style").forEach(function (url) { preload(url, "style"); });

  window.datelinesPrefetch = {
    /** The JSON at url: the download started at load if there was one, else a new one. */
    takeJson: function (url) {
      var found = started[url];
      delete started[url];  // once: a later call (a reload of the layer) fetches afresh
      return found || fetchJson(url);
    },
    /** When url's download started, when its bytes were in and how many (for timings). */
    startedAt: function (url) { return since[url]; },
    receivedAt: function (url) { return received[url]; },
    decodeJson: decodeJson
  };
})();
