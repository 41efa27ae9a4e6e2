// Reviewing orientation suggestions from the keyboard. Every action is a plain form that works
// without this file; htmx posts it and replaces the comment by a confirmation (or by the comment as
// it is now, with the reason, when the choice was refused).
//
// J / K go from comment to comment; 1, 2, 3 accept that suggestion of the comment that has the focus;
// ? opens the help. Keys are ignored while typing in a field, choosing in a list, or with Ctrl, Alt or Meta.
// Needs keyboard-list.js, loaded before it.
(function () {
  "use strict";

  var ITEM = "[data-suggestion-item]";

  var list = window.keyboardList({
    item: ITEM,
    liveRegion: "suggestions-live",
    onKey: function (key, item, event) {
      if (key !== "1" && key !== "2" && key !== "3") {
        return;
      }
      event.preventDefault();
      var button = item.querySelector('button[data-accept-rank="' + key + '"]');
      if (!button) {
        list.announce(item.getAttribute("data-no-rank"));
      } else if (!item.classList.contains("is-busy")) {
        button.click();
      }
    },
    // Announce what happened, and keep the place, on the next comment once this one is done.
    onSwap: function (swapped, pending) {
      if (swapped.hasAttribute("data-suggestion-done")) {
        list.announce(swapped.getAttribute("data-message"));
        if (pending.hadFocus) {
          var all = list.items();
          var next = all.filter(function (item) {
            return swapped.compareDocumentPosition(item) & Node.DOCUMENT_POSITION_FOLLOWING;
          })[0] || all[all.length - 1];
          if (next) {
            list.focusItem(next);
          } else {
            swapped.setAttribute("tabindex", "-1");
            swapped.focus();
          }
        }
      } else {
        var alert = swapped.querySelector("[role=alert]");
        if (alert) {
          list.announce(alert.textContent);
        }
        list.focusItem(swapped);
      }
    },
  });

  document.addEventListener("htmx:sendError", function (event) {
    var item = event.target.closest ? event.target.closest(ITEM) : null;
    if (item) {
      item.classList.remove("is-busy");
      list.announce(item.getAttribute("data-failed"));
    }
  });
})();
