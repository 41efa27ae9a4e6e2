// Going through a list of comments from the keyboard, shared by the coding and the suggestion pages.
// A page names its items and says what its own keys and swaps do; this file gives J / K from item to
// item, ? for the help, announcements in a live region, and the busy state, refused swaps and focus
// bookkeeping of the htmx request an item sends. Keys are ignored while typing in a field or with
// Ctrl, Alt or Meta.
//
// keyboardList({
//   item: selector of the items,
//   liveRegion: id of the status region announcements go to,
//   onKey(key, item, event): a one-character key other than J / K, with the item that has the focus,
//   describeFocus(item): optional, what in the item had the focus, kept for onSwap,
//   onSwap(swapped, pending): after htmx replaced the item that sent a request ({ id, hadFocus, selector }),
// }) returns { items, focusItem, announce, forget }.
(function () {
  "use strict";

  function isTyping(target) {
    return Boolean(target && target.closest &&
      target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
  }

  window.keyboardList = function (options) {
    var pending = null;

    function liveRegion() {
      var region = document.getElementById(options.liveRegion);
      if (!region) {
        region = document.createElement("div");
        region.id = options.liveRegion;
        region.className = "visually-hidden";
        region.setAttribute("role", "status");
        region.setAttribute("aria-live", "polite");
        region.setAttribute("aria-atomic", "true");
        document.body.appendChild(region);
      }
      return region;
    }

    // Clear first, then write: the same message twice in a row is announced twice.
    function announce(text) {
      if (!text) {
        return;
      }
      var region = liveRegion();
      region.textContent = "";
      window.setTimeout(function () {
        region.textContent = text;
      }, 50);
    }

    function items() {
      return Array.prototype.slice.call(document.querySelectorAll(options.item));
    }

    function itemOf(element) {
      return element && element.closest ? element.closest(options.item) : null;
    }

    function focusItem(item) {
      if (item) {
        item.focus();
        item.scrollIntoView({ block: "nearest" });
      }
    }

    function move(step) {
      var all = items();
      if (!all.length) {
        return;
      }
      var index = all.indexOf(itemOf(document.activeElement));
      var next = index === -1 ? (step > 0 ? 0 : all.length - 1) : index + step;
      if (next >= 0 && next < all.length) {
        focusItem(all[next]);
      }
    }

    function toggleHelp() {
      var help = document.querySelector("[data-shortcuts-help]");
      if (help) {
        help.open = !help.open;
        if (help.open) {
          help.querySelector("summary").focus();
        }
      }
    }

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
        return;
      }
      if (event.key === "?") {
        event.preventDefault();
        toggleHelp();
        return;
      }
      if (!event.key || event.key.length !== 1) {
        return;
      }
      var key = event.key.toLowerCase();
      if (key === "j" || key === "k") {
        event.preventDefault();
        move(key === "j" ? 1 : -1);
        return;
      }
      var item = itemOf(document.activeElement);
      if (item) {
        options.onKey(key, item, event);
      }
    });

    document.addEventListener("htmx:beforeRequest", function (event) {
      var item = itemOf(event.target);
      if (item) {
        item.classList.add("is-busy");
        pending = { id: item.id, hadFocus: item.contains(document.activeElement),
                    selector: options.describeFocus ? options.describeFocus(item) : null };
      }
    });

    document.addEventListener("htmx:afterRequest", function (event) {
      var item = itemOf(event.target);
      if (item) {
        item.classList.remove("is-busy");
      }
    });

    // A choice refused (400), out of date (409) or incomplete (422) still replaces the item: it shows
    // the comment as it is now and says why. An answer that is not the item (an error page: the
    // session ended, the form expired) is never put in its place: the item stays, and the failure is said.
    document.addEventListener("htmx:beforeSwap", function (event) {
      var status = event.detail.xhr.status;
      var item = itemOf(event.detail.target);
      if ((status === 400 || status === 409 || status === 422) && item) {
        if (item.id && event.detail.xhr.responseText.indexOf('id="' + item.id + '"') !== -1) {
          event.detail.shouldSwap = true;
          event.detail.isError = false;
        } else {
          event.detail.shouldSwap = false;
          var holder = item.closest("[data-failed]");
          announce(holder ? holder.getAttribute("data-failed") : "");
        }
      }
    });

    document.addEventListener("htmx:afterSwap", function () {
      if (!pending) {
        return;
      }
      var swapped = document.getElementById(pending.id);
      var done = pending;
      pending = null;
      if (swapped) {
        options.onSwap(swapped, done);
      }
    });

    // A live region must be in the page before its text changes for screen readers to announce it.
    if (document.querySelector(options.item)) {
      liveRegion();
    }

    return {
      items: items,
      focusItem: focusItem,
      announce: announce,
      forget: function () {
        pending = null;
      },
    };
  };
})();
