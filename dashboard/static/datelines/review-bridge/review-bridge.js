/*
 * Datelines review bridge: a zero-height Streamlit component between the map and the review
 * panel (dashboard/review_bridge.py).
 *
 * - The map follows the review: when the panel's current event changes (args.row), the
 *   event's popup opens on the map (window.datelines.openEvent in the map's frame).
 * - The map talks back: every event popup gets a "Review this event" button; pressing it
 *   sends {row, nonce} to Streamlit, which makes that event the one under review.
 * - Popups of the events in the review list get a line of evidence (review status,
 *   confidence, reasons to check), as text.
 * - Fix place by clicking the map: while args.pick is true, the next click on the map sends
 *   {lat, lng, nonce}.
 *
 * Speaks Streamlit's component protocol (postMessage) by hand: a dozen lines, no build step.
 * The map's frame is found through the parent page (same origin). Popup text stays textContent.
 */
(function () {
  "use strict";

  var lastRow = null;
  var notes = {};  // row -> a line of review evidence for its popup (status, confidence, reasons)

  function send(type, data) {
    var message = {isStreamlitMessage: true, type: type};
    for (var k in data) message[k] = data[k];
    window.parent.postMessage(message, "*");
  }

  function mapWindow() {
    var frames = window.parent.document.querySelectorAll("iframe");
    for (var i = 0; i < frames.length; i++) {
      try {
        var w = frames[i].contentWindow;
        if (w && w.datelines && w.datelines.loaded) return w;
      } catch (err) { /* another origin: not the map */ }
    }
    return null;
  }

  function addButton(w, box) {
    if (box.querySelector(".dl-review-this")) return;
    var note = notes[box.getAttribute("data-event-index")];
    if (note) {
      var line = w.document.createElement("div");
      line.className = "dl-review-note";
      line.setAttribute("data-testid", "review-note");
      line.textContent = note;  // text, never HTML
      box.appendChild(line);
    }
    var button = w.document.createElement("button");
    button.type = "button";
    button.className = "dl-review-this";
    button.setAttribute("data-testid", "review-this-event");
    button.textContent = "Review this event";
    button.addEventListener("click", function (e) {
      e.stopPropagation();
      var row = parseInt(box.getAttribute("data-event-index"), 10);
      send("streamlit:setComponentValue", {value: {row: row, nonce: Date.now() + Math.random()}, dataType: "json"});
    });
    box.appendChild(button);
  }

  function hook(w) {
    if (w.__datelinesReviewHooked) return;
    w.__datelinesReviewHooked = true;
    var decorate = function () {
      var boxes = w.document.querySelectorAll('[data-testid="event-popup"]');
      for (var i = 0; i < boxes.length; i++) addButton(w, boxes[i]);
    };
    new w.MutationObserver(decorate).observe(w.document.body, {childList: true, subtree: true});
    decorate();
  }

  var tries = 0, lastTry = 0;  // openEvent calls for the wanted row, and when the last was

  function showsPopup(w, row) {
    var box = w.document.querySelector('[data-testid="event-popup"]');
    return !!box && box.getAttribute("data-event-index") === String(row);
  }

  function follow(row) {
    var w = mapWindow();
    if (!w) return false;
    hook(w);
    if (row === null || row < 0 || row === lastRow) return true;
    // Followed once its popup is seen open: a popup opened while the map redraws its layer
    // (a rerun after the window or the review changed) can be closed by that redraw, so it is
    // asked for again, at most three times, then left alone (the event may be filtered out).
    if (showsPopup(w, row)) {
      lastRow = row;
      return true;
    }
    if (tries >= 3 || Date.now() - lastTry < 1500) return true;
    try {
      tries += 1;
      lastTry = Date.now();
      w.datelines.openEvent(row);
    } catch (err) { /* not on this map (yet): try again */ return false; }
    return true;
  }

  var pickArmed = null;  // the map whose next click is awaited
  var onPick = null;     // its click handler, removed when picking is called off

  function armPick(pick) {
    var w = mapWindow();
    if (!w) return;
    var map = w.datelines.map();
    if (pick && pickArmed !== map) {
      pickArmed = map;
      map.getContainer().style.cursor = "crosshair";
      onPick = function (e) {
        map.getContainer().style.cursor = "";
        pickArmed = null;
        send("streamlit:setComponentValue", {
          value: {lat: e.latlng.lat, lng: e.latlng.lng, nonce: Date.now() + Math.random()}, dataType: "json"
        });
      };
      map.once("click", onPick);
    } else if (!pick && pickArmed) {
      pickArmed.off("click", onPick);
      pickArmed.getContainer().style.cursor = "";
      pickArmed = null;
    }
  }

  var wanted = null, wantPick = false;
  setInterval(function () { follow(wanted); armPick(wantPick); }, 400);  // the map may load, or be replaced, later

  window.addEventListener("message", function (e) {
    var data = e.data;
    if (!data || data.type !== "streamlit:render") return;
    var row = data.args && typeof data.args.row === "number" ? data.args.row : null;
    if (data.args && data.args.data_version !== undefined && data.args.data_version !== wanted_version) {
      wanted_version = data.args.data_version;
      lastRow = null;  // new data: the popup content is stale
      tries = 0, lastTry = 0;
    }
    notes = (data.args && data.args.notes) || {};
    if (row !== wanted) tries = 0, lastTry = 0;
    wanted = row;
    wantPick = !!(data.args && data.args.pick);
    follow(row);
    armPick(wantPick);
  });
  var wanted_version = null;

  send("streamlit:componentReady", {apiVersion: 1});
  send("streamlit:setFrameHeight", {height: 0});
})();
