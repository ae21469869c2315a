/* Survey invitation after a download (ckanext-utt1service).
 *
 * The file downloads as usual (the click is never stopped); a moment later
 * the invitation sheet appears at the bottom of the window, where the user
 * is, pointing at the survey for the resource just downloaded, and its text
 * goes into a live region so that screen readers announce it (focus stays
 * where it was). Escape or "Not now" closes it. Without JavaScript the
 * server shows the sheet on the next page view instead.
 *
 * The server decides: after the click the script asks it
 * (data-invite-check, /survey/invitation?resource_id=…) and shows nothing
 * for a file this browser (or this user) has rated already. The answer is
 * left on the sheet as data-invite-decided="yes" or "no". */
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
    var check = box.getAttribute("data-invite-check");

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
      var resourceId = match[1];
      box.removeAttribute("data-invite-decided");
      // give the download request a moment to be counted first, then ask
      // the server whether this file is still to be rated
      window.setTimeout(function () {
        if (!check || !window.fetch) { return; }
        var url = new URL(check, window.location.href);
        url.searchParams.set("resource_id", resourceId);
        window.fetch(url.pathname + url.search, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { invite: false }; })
          .catch(function () { return { invite: false }; })
          .then(function (answer) {
            if (answer.invite && link && answer.url) { link.setAttribute("href", answer.url); }
            box.setAttribute("data-invite-decided", answer.invite ? "yes" : "no");
            if (answer.invite) { show(); }
          });
      }, 800);
    });
  });
})();
