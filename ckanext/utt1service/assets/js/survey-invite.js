/* Survey invitation after a download (ckanext-utt1service).
 *
 * The file downloads as usual (the click is never stopped); a moment later
 * the invitation sheet appears at the bottom of the window, where the user
 * is, pointing at the survey for the resource just downloaded, and its text
 * goes into a live region so that screen readers announce it (focus stays
 * where it was). Escape or "Not now" closes it. Without JavaScript the
 * server shows the sheet on the next page view instead. */
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
    var live = document.querySelector("[data-invite-live]");

    function hide() {
      box.hidden = true;
      document.body.classList.remove("utt1service-has-invite");
    }
    function show() {
      box.hidden = false;
      document.body.classList.add("utt1service-has-invite");
      if (live) {
        live.textContent = "";
        // a change of content is what screen readers announce
        window.setTimeout(function () { live.textContent = box.querySelector(".utt1service-survey-invite-text").textContent.replace(/\s+/g, " ").trim(); }, 50);
      }
    }
    if (!box.hidden) { document.body.classList.add("utt1service-has-invite"); }
    if (close) { close.addEventListener("click", hide); }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !box.hidden && close) { hide(); }
    });
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
      window.setTimeout(show, 800);
    });
  });
})();
