/*
 * Choropleth of one indicator over the QPV (Leaflet 1.9.4, vendored; no tiles, no inline
 * script: strict-CSP friendly). The container carries:
 *   data-q-choropleth, data-url (GeoJSON of the QPV with `class`, `suppressed`, `value_label`…)
 *   and optionally data-context-url (département outline).
 * Fills are the SVG patterns of indicators/_choropleth_patterns.html (`#q-choro-<class>`,
 * `#q-choro-secret`): palette + hatch density, readable without colour.
 * After loading, the container gets data-loaded="true" and data-qpv-count="<n>".
 */
(function () {
  "use strict";

  function styleFor(feature) {
    var p = feature.properties || {};
    if (p.layer !== "qpv") {
      return { color: "#161616", weight: 2.5, fill: false, interactive: false };
    }
    var base = { color: "#161616", weight: 1, opacity: 1, fillOpacity: 1 };
    if (p.suppressed) {
      base.fillColor = "url(#q-choro-secret)";
      base.className = "q-choro q-choro--secret";
    } else if (p["class"]) {
      base.fillColor = "url(#q-choro-" + p["class"] + ")";
      base.className = "q-choro q-choro--" + p["class"];
    } else {
      base.fillColor = "#ffffff";
      base.dashArray = "3 2";
      base.className = "q-choro q-choro--none";
    }
    return base;
  }

  function line(text, className) {
    var el = document.createElement("p");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function describe(p, classCount) {
    var text = p.name + " (" + p.code + ") : " + p.value_label;
    if (p["class"]) text += " — classe " + p["class"] + " sur " + classCount;
    return text;
  }

  function popup(p, classCount) {
    var box = document.createElement("div");
    box.className = "q-popup";
    box.appendChild(line(p.name + " (" + p.code + ")", "fr-text--bold fr-mb-1v"));
    box.appendChild(line("Valeur : " + p.value_label, "fr-text--sm fr-mb-1v"));
    if (p["class"]) {
      box.appendChild(line("Classe " + p["class"] + " sur " + classCount +
        (p.rank ? " — rang " + p.rank + " sur " + p.ranked_count : ""), "fr-text--sm fr-mb-1v"));
    }
    if (p.source) {
      box.appendChild(line("Source : " + p.source + (p.vintage ? ", millésime " + p.vintage : ""),
        "fr-text--xs fr-mb-1v"));
    }
    var link = document.createElement("a");
    link.href = p.url;
    link.className = "fr-link fr-text--sm";
    link.setAttribute("data-q-popup-link", p.code);
    link.textContent = "Ouvrir la fiche du quartier";
    box.appendChild(link);
    return box;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status + " sur " + url);
        return response.json();
      });
  }

  function initMap(container) {
    var status = container.parentNode.querySelector("[data-q-map-status]");
    var map = L.map(container, { zoomSnap: 0.25, minZoom: 5, maxZoom: 18 });
    map.setView([50.4, 3.2], 8);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution("Contours : ANCT (QPV), IGN / Insee (COG)");
    var contextUrl = container.getAttribute("data-context-url");
    var requests = [fetchJson(container.getAttribute("data-url"))];
    if (contextUrl) requests.push(fetchJson(contextUrl));

    Promise.all(requests).then(function (results) {
      var collection = results[0];
      var classCount = (collection.classes || []).length;
      if (results[1]) L.geoJSON(results[1], { style: styleFor, interactive: false }).addTo(map);
      var features = collection.features.filter(function (f) { return f.geometry; });
      var layer = L.geoJSON(features, {
        style: styleFor,
        onEachFeature: function (feature, featureLayer) {
          featureLayer.bindPopup(popup(feature.properties, classCount));
        }
      }).addTo(map);
      layer.eachLayer(function (featureLayer) {
        var el = featureLayer.getElement && featureLayer.getElement();
        var p = featureLayer.feature.properties;
        if (!el) return;
        el.setAttribute("data-code", p.code);
        el.setAttribute("data-class", p.suppressed ? "secret" : String(p["class"] || "none"));
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "button");
        el.setAttribute("aria-label", describe(p, classCount));
        el.addEventListener("keydown", function (event) {
          if (event.key === "Enter") featureLayer.openPopup();
        });
      });
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: false });
      container.setAttribute("data-qpv-count", String(features.length));
      container.setAttribute("data-loaded", "true");
      if (status) status.textContent = features.length + " quartiers prioritaires affichés.";
    }).catch(function (error) {
      container.setAttribute("data-loaded", "error");
      if (status) status.textContent = "La carte n’a pas pu être chargée.";
      console.error(error);
    });
  }

  function initAll() {
    if (typeof L === "undefined") return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-q-choropleth]"), initMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
