/*
 * Search-as-you-type for the catalogue's search boxes (issue 14).
 *
 * Each element .utt1service-suggest-config names a search input
 * (data-input) and the suggestions address (data-url, /bigdata/suggest);
 * the input becomes an ARIA 1.2 combobox with a list box popup
 * (WAI-ARIA Authoring Practices, "list autocomplete"):
 *
 *   typing           after a short pause, up to 8 dataset titles that contain
 *                    what has been typed appear under the box (2 characters
 *                    or more), and a polite live region says how many;
 *   Down / Up        open the list, move through it (the input keeps the
 *                    focus; aria-activedescendant names the option);
 *   Enter            on an option: open that dataset; otherwise: search;
 *   Escape           close the list (a second Escape clears the box);
 *   Tab, click away  close the list; a click or tap on an option opens it.
 *
 * Without JavaScript the boxes are plain search boxes.
 */
(function () {
  "use strict";

  var DELAY = 200;   // ms after the last key before asking
  var MIN_CHARS = 2;

  function setup(config) {
    var input = document.getElementById(config.dataset.input);
    if (!input || input.getAttribute("role") === "combobox") {
      return;
    }
    var holder = input.closest(".input-group") || input.parentNode;
    var listId = input.id + "-suggestions";
    var statusId = input.id + "-suggestions-status";

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "utt1service-suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", config.dataset.label);
    list.hidden = true;

    var status = document.createElement("div");
    status.id = statusId;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    holder.classList.add("utt1service-suggest");
    holder.appendChild(list);
    holder.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var items = [];      // the suggestions shown
    var active = -1;     // the index of the highlighted option
    var timer = null;
    var asked = 0;       // the number of the latest request
    var controller = null;

    function option(i) {
      return document.getElementById(listId + "-" + i);
    }

    function highlight(i) {
      if (active >= 0 && option(active)) {
        option(active).setAttribute("aria-selected", "false");
        option(active).classList.remove("is-active");
      }
      active = i;
      if (i >= 0 && option(i)) {
        var el = option(i);
        el.setAttribute("aria-selected", "true");
        el.classList.add("is-active");
        input.setAttribute("aria-activedescendant", el.id);
        if (el.scrollIntoView) {
          el.scrollIntoView({block: "nearest"});
        }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      highlight(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function open() {
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function choose(i) {
      var item = items[i];
      if (!item) {
        return;
      }
      input.value = item.title;
      close();
      window.location.assign(item.url);
    }

    function mark(title, typed) {
      // the typed text in bold where the title holds it as typed
      var fragment = document.createDocumentFragment();
      var at = typed ? title.toLowerCase().indexOf(typed.toLowerCase()) : -1;
      if (at < 0) {
        fragment.appendChild(document.createTextNode(title));
        return fragment;
      }
      var marked = document.createElement("mark");
      marked.textContent = title.slice(at, at + typed.length);
      fragment.appendChild(document.createTextNode(title.slice(0, at)));
      fragment.appendChild(marked);
      fragment.appendChild(document.createTextNode(title.slice(at + typed.length)));
      return fragment;
    }

    function show(suggestions, typed) {
      items = suggestions;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      suggestions.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "utt1service-suggest-option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.appendChild(mark(item.title, typed.trim()));
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the box
        });
        li.addEventListener("click", function () {
          choose(i);
        });
        list.appendChild(li);
      });
      if (suggestions.length) {
        status.textContent = (suggestions.length === 1 ? config.dataset.one : config.dataset.many)
          .replace("{n}", String(suggestions.length));
        open();
      } else {
        status.textContent = typed.trim().length >= MIN_CHARS ? config.dataset.none : "";
        close();
      }
    }

    function ask() {
      var typed = input.value;
      var number = ++asked;
      if (controller) {
        controller.abort();
      }
      if (typed.trim().length < MIN_CHARS) {
        show([], typed);
        return;
      }
      controller = window.AbortController ? new AbortController() : null;
      var url = config.dataset.url + (config.dataset.url.indexOf("?") < 0 ? "?" : "&") +
        "q=" + encodeURIComponent(typed);
      fetch(url, {
        headers: {"Accept": "application/json"},
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : {suggestions: []};
      }).then(function (data) {
        if (number === asked && input.value === typed) {
          show(data.suggestions || [], typed);
        }
      }).catch(function () {
        // aborted or offline: the box stays a plain search box
      });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
        case "Down":
          event.preventDefault();
          if (!expanded) {
            open();
            if (!items.length) {
              ask();
            }
            return;
          }
          highlight(active + 1 < items.length ? active + 1 : 0);
          break;
        case "ArrowUp":
        case "Up":
          event.preventDefault();
          if (!expanded) {
            open();
            return;
          }
          highlight(active > 0 ? active - 1 : items.length - 1);
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break;
        case "Escape":
        case "Esc":
          if (expanded) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            items = [];
            status.textContent = "";
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });

    input.addEventListener("focus", function () {
      if (items.length && input.value.trim().length >= MIN_CHARS) {
        open();
      }
    });
  }

  function start() {
    var configs = document.querySelectorAll(".utt1service-suggest-config");
    for (var i = 0; i < configs.length; i++) {
      setup(configs[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
