/*
 * PNG export of the server-rendered SVG charts, in the browser (no server-side rasteriser).
 * A button `[data-q-chart-png]` inside a `figure` draws the figure's `svg` on a canvas at
 * twice its size (white background) and downloads it as `data-filename`. The button's
 * `[data-q-chart-png-group]` wrapper is `hidden` until this script runs. No inline script: strict-CSP friendly.
 */
(function () {
  "use strict";

  var SCALE = 2;

  function svgSize(svg) {
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (box && box.width && box.height) return { width: box.width, height: box.height };
    var rect = svg.getBoundingClientRect();
    return { width: rect.width || 760, height: rect.height || 400 };
  }

  function download(blob, filename) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function exportPng(button) {
    var figure = button.closest("figure");
    var svg = figure && figure.querySelector("svg");
    if (!svg) return;
    var size = svgSize(svg);
    var clone = svg.cloneNode(true);
    clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    clone.setAttribute("width", String(size.width));
    clone.setAttribute("height", String(size.height));
    var text = new XMLSerializer().serializeToString(clone);
    var source = URL.createObjectURL(new Blob([text], { type: "image/svg+xml;charset=utf-8" }));
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(size.width * SCALE);
      canvas.height = Math.round(size.height * SCALE);
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(source);
      canvas.toBlob(function (blob) {
        if (blob) download(blob, button.getAttribute("data-filename") || "graphique.png");
      }, "image/png");
    };
    image.onerror = function () {
      URL.revokeObjectURL(source);
      console.error("Export PNG impossible : l’image SVG n’a pas pu être lue.");
    };
    image.src = source;
  }

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-q-chart-png]"), function (button) {
      if (button.getAttribute("data-q-ready")) return;
      button.setAttribute("data-q-ready", "true");
      var group = button.closest("[data-q-chart-png-group]");
      if (group) group.hidden = false;
      button.addEventListener("click", function () { exportPng(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
