/* Survey invitation after a download (ckanext-utt1service).
 *
 * The file downloads as usual (the click is never stopped); a moment later
 * the invitation box of the page appears, pointing at the survey for the
 * resource just downloaded. Without JavaScript the server shows the box on
 * the next page view instead. */
(function () {
  "use strict";
  var DOWNLOAD = /\/resource\/([0-9a-f-]{36})\/download(\/|$|\?)/i;

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    var box = document.querySelector("[data-utt1service-invite]");
    if (!box) { return; }
    var link = box.querySelector("[data-invite-link]");
    var close = box.querySelector("[data-invite-close]");
    if (close) {
      close.addEventListener("click", function () { box.hidden = true; });
    }
    document.addEventListener("click", function (event) {
      var anchor = event.target.closest ? event.target.closest("a[href]") : null;
      if (!anchor) { return; }
      var match = DOWNLOAD.exec(anchor.getAttribute("href"));
      if (!match) { return; }
      if (link) {
        var url = new URL(link.getAttribute("href"), window.location.href);
        url.search = "";
        url.searchParams.set("resource_id", match[1]);
        link.setAttribute("href", url.pathname + url.search);
      }
      // give the download request a moment to be counted first
      window.setTimeout(function () { box.hidden = false; }, 800);
    });
  });
})();
