/*
 * « Vérifier une adresse » (Leaflet 1.9.4, vendored; no tiles, no inline script).
 * The container's data-config holds: point_url (JSON API), qpv_url and qpv_detail_url (QPV
 * layer GeoJSON, simplified and exact; the exact one from DETAIL_ZOOM on),
 * area_url and qpv_page_url (with CODE to replace), generation, result (server answer or null).
 * A click on the map asks the API for that point and shows the answer like the server does.
 * The container gets data-loaded="true" once the QPV are drawn, and data-answer="<status>"
 * after each answer drawn on the map.
 */
(function () {
  "use strict";

  var STYLES = {
    qpv: { color: "#000091", weight: 1.5, fillColor: "#6a6af4", fillOpacity: 0.3, interactive: false },
    focus: { color: "#ce0500", weight: 3, fillColor: "#ce0500", fillOpacity: 0.15, interactive: false }
  };
  var POINT_COLORS = { "in": "#18753c", out: "#3a3a3a", uncertain: "#b34000" };
  var LABELS = { "in": "En QPV", out: "Hors QPV", uncertain: "Incertain" };
  var DETAIL_ZOOM = 13;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function number(value, digits) {
    return Number(value).toLocaleString("fr-FR", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  function qpvLink(qpv) {
    var link = el("a", null, qpv.nom + " (" + qpv.code + ")");
    link.href = qpv.url;
    link.setAttribute("data-q-qpv-link", qpv.code);
    return link;
  }

  function fact(list, term, content) {
    list.appendChild(el("dt", null, term));
    var dd = el("dd");
    if (typeof content === "string") dd.textContent = content; else dd.appendChild(content);
    list.appendChild(dd);
  }

  // Same structure as templates/georef/includes/answer.html.
  function renderAnswer(data) {
    var box = el("div", "fr-callout fr-mb-2w q-verifier-answer q-verifier-answer--" + data.statut);
    box.setAttribute("data-q-verifier-answer", "");
    box.setAttribute("data-status", data.statut);
    box.setAttribute("data-source", "carte");
    box.setAttribute("data-lon", String(data.lon));
    box.setAttribute("data-lat", String(data.lat));
    box.appendChild(el("h2", "fr-callout__title fr-h5", LABELS[data.statut] || data.statut_libelle));
    var text = el("p", "fr-callout__text fr-text--md", data.explication);
    text.setAttribute("data-q-explanation", "");
    box.appendChild(text);
    if (data.motifs_incertitude.length) {
      var reasons = el("ul", "fr-text--sm");
      data.motifs_incertitude.forEach(function (reason) { reasons.appendChild(el("li", null, "Incertain : " + reason + ".")); });
      box.appendChild(reasons);
    }
    var facts = el("dl", "q-verifier-facts fr-text--sm");
    if (data.qpv_contenant.length) {
      var links = el("span");
      data.qpv_contenant.forEach(function (qpv, i) {
        if (i) links.appendChild(document.createTextNode(", "));
        links.appendChild(qpvLink(qpv));
      });
      fact(facts, "Quartier prioritaire", links);
    } else if (data.qpv_le_plus_proche) {
      fact(facts, "QPV le plus proche", qpvLink(data.qpv_le_plus_proche));
    }
    fact(facts, "Distance à la limite la plus proche", number(data.distance_m, 0) + " m");
    fact(facts, "Position (WGS84)", number(data.lon, 6) + ", " + number(data.lat, 6));
    fact(facts, "Géographie prioritaire", String(data.generation));
    box.appendChild(facts);
    data.remarques.forEach(function (remark) { box.appendChild(el("p", "fr-text--sm fr-mb-0", remark)); });
    return box;
  }

  function renderError(message) {
    var box = el("div", "fr-alert fr-alert--error fr-alert--sm fr-mb-2w");
    box.setAttribute("data-q-verifier-error", "");
    box.appendChild(el("p", null, message));
    return box;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) {
            throw new Error(body.detail || ("Erreur " + response.status + "."));
          }
          return body;
        });
      });
  }

  function initVerifier(container) {
    var config = JSON.parse(container.getAttribute("data-config") || "{}");
    var status = container.parentNode.querySelector("[data-q-map-status]");
    var resultBox = document.querySelector("[data-q-verifier-result]");
    var map = L.map(container, { zoomSnap: 0.25, minZoom: 5, maxZoom: 19 });
    map.setView([50.5, 3.1], 9);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution("Contours : ANCT (QPV)");
    map.createPane("q-qpv").style.zIndex = 410;
    map.createPane("q-focus").style.zIndex = 420;
    var marker = null;
    var focus = null;

    function showPoint(point, fit) {
      if (marker) map.removeLayer(marker);
      if (focus) { map.removeLayer(focus); focus = null; }
      marker = L.circleMarker([point.lat, point.lon], {
        radius: 8, color: "#fff", weight: 2, fillColor: POINT_COLORS[point.status] || "#000091", fillOpacity: 1
      }).addTo(map);
      marker.bindTooltip(LABELS[point.status] || "", { direction: "top" });
      var code = point.qpv || point.nearest;
      container.setAttribute("data-answer", point.status);
      if (fit) map.setView([point.lat, point.lon], 15, { animate: false });
      if (!code) return;
      getJSON(config.area_url.replace("CODE", encodeURIComponent(code))).then(function (collection) {
        var features = collection.features.filter(function (f) { return f.geometry && f.properties.layer === "qpv"; });
        focus = L.geoJSON(features, { pane: "q-focus", style: function () { return STYLES.focus; } }).addTo(map);
        if (fit && point.qpv) {
          var bounds = focus.getBounds().extend([point.lat, point.lon]);
          map.fitBounds(bounds, { padding: [16, 16], maxZoom: 16, animate: false });
        }
        container.setAttribute("data-focus", code);
      }).catch(function (error) { console.warn("Contour indisponible :", error); });
    }

    function ask(latlng) {
      var url = config.point_url + "?lon=" + latlng.lng.toFixed(7) + "&lat=" + latlng.lat.toFixed(7) +
        "&generation=" + encodeURIComponent(config.generation);
      if (status) status.textContent = "Recherche du quartier…";
      getJSON(url).then(function (data) {
        resultBox.replaceChildren(renderAnswer(data));
        showPoint({ lon: data.lon, lat: data.lat, status: data.statut,
          qpv: data.qpv && data.qpv.code, nearest: data.qpv_le_plus_proche && data.qpv_le_plus_proche.code }, false);
        if (status) status.textContent = data.explication;
      }).catch(function (error) {
        resultBox.replaceChildren(renderError(error.message));
        if (status) status.textContent = error.message;
      });
    }

    var qpvLayer = null;
    var detailed = false;
    function drawQpv(collection) {
      var features = collection.features.filter(function (f) { return f.geometry; });
      if (qpvLayer) map.removeLayer(qpvLayer);
      qpvLayer = L.geoJSON(features, { pane: "q-qpv", style: function () { return STYLES.qpv; } }).addTo(map);
      return features.length;
    }
    // Street level: the simplified outlines would show, load the exact ones (once).
    function detailIfZoomed() {
      if (detailed || map.getZoom() < DETAIL_ZOOM) return;
      detailed = true;
      getJSON(config.qpv_detail_url).then(function (collection) {
        drawQpv(collection);
        container.setAttribute("data-detail", "true");
      }).catch(function (error) { console.warn("Contours détaillés indisponibles :", error); });
    }
    getJSON(config.qpv_url).then(function (collection) {
      var count = drawQpv(collection);
      if (!config.result && qpvLayer.getBounds().isValid()) {
        map.fitBounds(qpvLayer.getBounds(), { padding: [12, 12], animate: false });
      }
      container.setAttribute("data-loaded", "true");
      if (status && !config.result) status.textContent = count + " quartiers prioritaires affichés.";
      detailIfZoomed();
      map.on("zoomend", detailIfZoomed);
    }).catch(function (error) {
      container.setAttribute("data-loaded", "error");
      if (status) status.textContent = "Les contours n’ont pas pu être chargés.";
      console.error(error);
    });
    if (config.result) showPoint(config.result, true);
    map.on("click", function (event) { ask(event.latlng); });
  }

  function initAll() {
    if (typeof L === "undefined") return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-q-verifier]"), initVerifier);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
