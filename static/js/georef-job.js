/*
 * Live progress of a georeferencing job: polls the JSON status URL of the [data-q-job]
 * section every second and updates the <progress> bar and its aria-live text; when the job
 * ends, reloads the page (summary and download are server-rendered). No inline script.
 */
(function () {
  "use strict";

  function number(value, digits) {
    return Number(value).toLocaleString("fr-FR", { maximumFractionDigits: digits || 0 });
  }

  function describe(p) {
    var text = p.status_label.charAt(0).toUpperCase() + p.status_label.slice(1) + " : " + number(p.rows_done);
    if (p.rows_total) text += " / " + number(p.rows_total);
    text += " lignes (" + number(p.percent, 1) + " %)";
    if (p.rate) text += ", " + number(p.rate) + " lignes/s";
    if (p.seconds_left !== null && p.seconds_left !== undefined) text += ", environ " + p.seconds_left + " s restantes";
    return text + ".";
  }

  function watch(section) {
    var url = section.getAttribute("data-status-url");
    var bar = section.querySelector("progress");
    var text = section.querySelector("[data-q-job-text]");
    var last = "";
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (p) {
          bar.value = p.percent;
          bar.textContent = number(p.percent, 1) + " %";
          var sentence = describe(p);
          if (sentence !== last) { text.textContent = sentence; last = sentence; }
          section.setAttribute("data-status", p.status);
          if (p.finished) { window.location.reload(); return; }
          window.setTimeout(poll, 1000);
        })
        .catch(function (error) {
          console.warn("Avancement indisponible :", error);
          window.setTimeout(poll, 3000);
        });
    }
    window.setTimeout(poll, 1000);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-q-job]"), watch);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
