/* Progress of an Excel import running in the background (ckanext-utt1service).
 *
 * The page (/dataset-excel/import/<token>) says how many rows are done; this
 * script asks the server every few seconds (data-status-url) and updates the
 * progress bar and the sentence beside it. The sentence is a polite live
 * region, announced by screen readers at most every 30 seconds. When the
 * import has ended the page is loaded again to show its result. Without
 * JavaScript the "Refresh" link does the same by hand. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    var box = document.querySelector("[data-utt1service-import]");
    if (!box || box.getAttribute("data-state") === "done" || box.getAttribute("data-state") === "failed") {
      return;
    }
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-import-text]");
    var template = box.getAttribute("data-text");
    var lastAnnounced = 0;

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (status) {
          if (!status) { window.setTimeout(poll, 10000); return; }
          if (status.state === "done" || status.state === "failed") {
            window.location.reload();
            return;
          }
          if (bar) { bar.value = status.done; bar.max = status.total; }
          var now = Date.now();
          if (text && template && now - lastAnnounced > 30000) {
            text.textContent = template.replace("{done}", status.done).replace("{total}", status.total);
            lastAnnounced = now;
          }
          window.setTimeout(poll, 3000);
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    }
    window.setTimeout(poll, 2000);
  });
}());
