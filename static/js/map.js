/*
 * Quartiers 2030 maps (Leaflet 1.9.4, vendored). No base tiles: every layer is drawn from
 * the site's own GeoJSON endpoints, listed in the container's `data-layers` attribute:
 *   [{"id": "qpv", "label": "…", "url": "/carte/qpv.geojson?generation=2024", "visible": true, "fit": false}]
 * Each feature carries `properties.layer` (qpv, communes, arrondissements, departement, focus),
 * which decides its style and pane. No inline script: compatible with a strict CSP.
 * An entry may give a "detail_url" (same layer, unsimplified): fetched once, from DETAIL_ZOOM on.
 * After loading, the container gets data-loaded="true" and data-qpv-count="<n>" (and
 * data-detail="true" once the exact contours replaced the simplified ones).
 */
(function () {
  "use strict";

  var GROUP_LABELS = {
    departement: "Département",
    arrondissements: "Arrondissements",
    communes: "Communes",
    focus: "Territoire",
    qpv: "Quartiers prioritaires (QPV)"
  };
  // Bottom to top; QPV last so they stay clickable.
  var PANES = { departement: 402, arrondissements: 403, communes: 401, focus: 404, qpv: 420 };

  // From this zoom on, the ~35 m display simplification would show: load the exact contours.
  var DETAIL_ZOOM = 13;

  var STYLES = {
    departement: { color: "#161616", weight: 3, fill: false, interactive: false },
    arrondissements: { color: "#3a3a3a", weight: 2, dashArray: "8 5", fill: false, interactive: false },
    communes: { color: "#929292", weight: 0.8, fill: false, interactive: false },
    focus: { color: "#000091", weight: 3, fillColor: "#e3e3fd", fillOpacity: 0.35, interactive: false },
    qpvNational: {
      color: "#ce0500", weight: 2.5, fillColor: "#ce0500", fillOpacity: 0.9,
      className: "q-qpv q-qpv--national"
    },
    qpvOther: {
      color: "#000091", weight: 1.5, dashArray: "4 3", fillColor: "#6a6af4", fillOpacity: 0.45,
      className: "q-qpv q-qpv--other"
    }
  };

  function styleFor(feature) {
    var p = feature.properties || {};
    if (p.layer === "qpv") {
      return p.npnru_national ? STYLES.qpvNational : STYLES.qpvOther;
    }
    return STYLES[p.layer] || STYLES.communes;
  }

  function paragraph(text, className) {
    var el = document.createElement("p");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function qpvPopup(p) {
    var box = document.createElement("div");
    box.className = "q-popup";
    box.appendChild(paragraph(p.name, "fr-text--bold fr-mb-1v"));
    var details = "Code " + p.code;
    if (p.population !== null && p.population !== undefined) {
      details += " — " + Number(p.population).toLocaleString("fr-FR") + " habitants";
    }
    box.appendChild(paragraph(details, "fr-text--sm fr-mb-1v"));
    box.appendChild(paragraph("NPNRU : " + p.npnru_label, "fr-text--sm fr-mb-1v"));
    var link = document.createElement("a");
    link.href = p.url;
    link.className = "fr-link fr-text--sm";
    link.setAttribute("data-q-popup-link", p.code);
    link.textContent = "Ouvrir la fiche du quartier";
    box.appendChild(link);
    return box;
  }

  // Keyboard and screen-reader access to the QPV shapes: Tab focuses, Enter opens the page.
  function decorateQpv(layer) {
    var el = layer.getElement && layer.getElement();
    var p = layer.feature.properties;
    if (!el) return;
    el.setAttribute("data-code", p.code);
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "link");
    el.setAttribute("aria-label", p.name + " (" + p.code + ") — " + p.npnru_label);
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        window.location.assign(p.url);
      }
    });
  }

  function buildLayer(kind, features) {
    return L.geoJSON(features, {
      pane: "q-" + (PANES[kind] ? kind : "communes"),
      style: styleFor,
      onEachFeature: kind === "qpv" ? function (feature, featureLayer) {
        featureLayer.bindPopup(qpvPopup(feature.properties));
      } : null
    });
  }

  // Swap a group's layer for the unsimplified one the first time the user zooms in enough.
  function watchDetail(map, group, control, label) {
    var url = group.entry.detail_url;
    if (!url) return;
    var loading = false;
    map.on("zoomend", function onZoom() {
      if (loading || map.getZoom() < DETAIL_ZOOM) return;
      loading = true;
      map.off("zoomend", onZoom);
      fetchLayer({ url: url }).then(function (result) {
        var features = result.collection.features.filter(function (f) { return f.geometry; });
        var exact = buildLayer(group.kind, features);
        var shown = map.hasLayer(group.layer);
        if (control) {
          control.removeLayer(group.layer);
          control.addOverlay(exact, label);
        }
        map.removeLayer(group.layer);
        group.layer = exact;
        if (shown) exact.addTo(map);
        if (group.kind === "qpv") exact.eachLayer(decorateQpv);
        map.getContainer().setAttribute("data-detail", "true");
      }).catch(function (error) {
        console.warn("Contours détaillés indisponibles :", error);
      });
    });
  }

  function fetchLayer(entry) {
    return fetch(entry.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status + " sur " + entry.url);
        }
        return response.json();
      })
      .then(function (collection) {
        return { entry: entry, collection: collection };
      });
  }

  function groupFeatures(results) {
    // One Leaflet layer per feature kind, so each gets its pane and a line in the control.
    var groups = {};
    var order = [];
    results.forEach(function (result) {
      result.collection.features.forEach(function (feature) {
        if (!feature.geometry) return;
        var kind = (feature.properties && feature.properties.layer) || result.entry.id;
        if (!groups[kind]) {
          groups[kind] = { kind: kind, entry: result.entry, features: [] };
          order.push(kind);
        }
        groups[kind].features.push(feature);
      });
    });
    return order.map(function (kind) { return groups[kind]; });
  }

  function initMap(container) {
    var entries = JSON.parse(container.getAttribute("data-layers") || "[]");
    var status = container.parentNode.querySelector("[data-q-map-status]");
    var map = L.map(container, { zoomSnap: 0.25, minZoom: 5, maxZoom: 18 });
    map.setView([46.6, 2.4], 5);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution("Contours : ANCT (QPV), IGN / Insee (COG)");
    Object.keys(PANES).forEach(function (kind) {
      map.createPane("q-" + kind).style.zIndex = PANES[kind];
    });

    Promise.all(entries.map(fetchLayer))
      .then(function (results) {
        var groups = groupFeatures(results);
        var overlays = {};
        var fitBounds = null;
        var fallbackBounds = null;
        var qpvCount = 0;
        groups.forEach(function (group) {
          var isQpv = group.kind === "qpv";
          var layer = buildLayer(group.kind, group.features);
          group.layer = layer;
          var bounds = layer.getBounds();
          if (!bounds.isValid()) return;
          fallbackBounds = fallbackBounds ? fallbackBounds.extend(bounds) : L.latLngBounds(bounds.getSouthWest(), bounds.getNorthEast());
          var fits = entries.some(function (e) { return e.fit; })
            ? group.entry.fit
            : (group.kind === "focus" || isQpv);
          if (fits) {
            fitBounds = fitBounds ? fitBounds.extend(bounds) : L.latLngBounds(bounds.getSouthWest(), bounds.getNorthEast());
          }
          if (isQpv) qpvCount += group.features.length;
        });
        var target = fitBounds || fallbackBounds;
        // No animation: layers added during a zoom animation were clipped to the old view.
        if (target) map.fitBounds(target, { padding: [12, 12], animate: false });
        groups.forEach(function (group) {
          if (!group.layer) return;
          if (group.entry.visible !== false) group.layer.addTo(map);
          if (group.kind === "qpv") group.layer.eachLayer(decorateQpv);
          var label = entries.length > 1 ? group.entry.label : (GROUP_LABELS[group.kind] || group.kind);
          overlays[label] = group.layer;
        });
        var control = null;
        if (Object.keys(overlays).length > 1 && entries.length > 1) {
          control = L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);
        }
        groups.forEach(function (group) {
          if (group.layer) watchDetail(map, group, control, group.entry.label);
        });
        container.setAttribute("data-qpv-count", String(qpvCount));
        container.setAttribute("data-loaded", "true");
        if (status) {
          status.textContent = qpvCount + " quartier" + (qpvCount > 1 ? "s" : "") + " prioritaire" + (qpvCount > 1 ? "s" : "") + " affiché" + (qpvCount > 1 ? "s" : "") + ".";
        }
      })
      .catch(function (error) {
        container.setAttribute("data-loaded", "error");
        if (status) status.textContent = "La carte n’a pas pu être chargée.";
        console.error(error);
      });
  }

  function initAll() {
    if (typeof L === "undefined") return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-q-map]"), initMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
