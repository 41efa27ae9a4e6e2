// Coding comments from the keyboard, and keeping the place after each change. Every action is a
// plain form that works without this file; htmx posts it and swaps the comment's row.
//
// J / K (or Tab) go from comment to comment; a code's key applies or removes it on the comment that
// has the focus; X selects it for "add to item" and I goes to that form; ? opens the help. Keys are ignored while typing in a field or with Ctrl, Alt or Meta.
// Needs keyboard-list.js, loaded before it.
(function () {
  "use strict";

  var ROW = ".comment[data-comment-id]";
  // Comments ticked for "add to item": a row htmx replaces after a coding keeps its tick.
  var selected = {};

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-select-comment]")) {
      selected[event.target.value] = event.target.checked;
    }
  });

  // What had the focus in the row, to put it back on the same control of the row that replaces it.
  function describeFocus(row) {
    var active = document.activeElement;
    if (!active || !row.contains(active) || active === row) {
      return null;
    }
    if (active.id) {
      return "#" + CSS.escape(active.id);
    }
    if (active.name && active.form) {
      return 'form[action="' + active.form.getAttribute("action") + '"] [name="' + active.name + '"]' +
        (active.value ? '[value="' + CSS.escape(active.value) + '"]' : "");
    }
    return null;
  }

  var list = window.keyboardList({
    item: ROW,
    liveRegion: "analysis-live",
    describeFocus: describeFocus,
    onKey: function (key, row, event) {
      var select = row.querySelector("[data-select-comment]");
      if (key === "x" && select) {
        event.preventDefault();
        select.checked = !select.checked;
        selected[select.value] = select.checked;
        var form = document.getElementById("add-to-item-form");
        if (form) {
          list.announce(form.getAttribute(select.checked ? "data-selected" : "data-unselected"));
        }
        return;
      }
      if (key === "i" && document.getElementById("add-to-item-item")) {
        event.preventDefault();
        document.getElementById("add-to-item-item").focus();
        return;
      }
      var button = row.querySelector('.code-form button[data-shortcut="' + key + '"]');
      if (button) {
        event.preventDefault();
        if (!row.classList.contains("is-busy")) {
          button.click();
        }
      } else if (document.querySelector('button[data-shortcut="' + key + '"]')) {
        event.preventDefault();
        list.announce(said(row, "data-no-shortcut"));
      }
    },
    onSwap: function (row, pending) {
      var box = row.querySelector("[data-select-comment]");
      if (box && selected[box.value]) {
        box.checked = true;
      }
      // Put the focus back only if it was lost with the old row: never take it from where the person went since.
      var active = document.activeElement;
      if (pending.hadFocus && (!active || active === document.body || !document.body.contains(active))) {
        var control = pending.selector ? row.querySelector(pending.selector) : null;
        var invalid = row.querySelector("[aria-invalid='true']");
        (invalid || control || row).focus();
      }
      var message = row.querySelector("[data-row-message]");
      if (message) {
        list.announce(message.textContent.trim());
      }
    },
  });

  // A row of a list finds its messages on the list; a row alone carries them.
  function said(row, name) {
    var holder = row.closest("[" + name + "]");
    return holder ? holder.getAttribute(name) : "";
  }

  function failed(event) {
    var row = event.target.closest ? event.target.closest(ROW) : null;
    if (row) {
      row.classList.remove("is-busy");
      list.forget();
      list.announce(said(row, "data-failed"));
    }
  }

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
})();
