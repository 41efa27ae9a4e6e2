// Small progressive enhancements; every page works without this file.
document.addEventListener("click", function (event) {
  var trigger = event.target.closest("[data-print]");
  if (trigger) {
    window.print();
  }
});

document.documentElement.classList.add("js");

// After an htmx swap that shows errors, move focus to the error summary so it is announced.
// The event fires on the swapped-in content: with an outerHTML swap, event.detail.target is
// the element that was replaced and is no longer in the page.
document.addEventListener("htmx:afterSwap", function (event) {
  var summary = event.target.querySelector ? event.target.querySelector(".error-summary") : null;
  if (summary) {
    summary.focus();
  }
});

// Focus the error summary on page load too, when a form came back with errors.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});

// Questionnaire: a live "n / 5000 characters" under each long answer (the server renders it too,
// and refuses longer answers whatever the browser does).
function updateCharCount(field) {
  var counter = document.querySelector('[data-char-count="' + field.id + '"]');
  if (!counter) {
    return;
  }
  var limit = parseInt(counter.getAttribute("data-limit"), 10);
  // The server counts a line break as one character, as maxlength does.
  var length = field.value.replace(/\r\n/g, "\n").length;
  counter.textContent = counter.getAttribute("data-template").replace("{count}", String(length));
  counter.classList.toggle("is-near", length > limit * 0.9);
}

document.addEventListener("input", function (event) {
  if (event.target.matches && event.target.matches("textarea[maxlength]")) {
    updateCharCount(event.target);
  }
});

// An autosave the server could not answer (link expired, network down): say so where the
// "Saved at" message appears, so that nobody believes a text was saved when it was not.
document.addEventListener("htmx:responseError", showUnsaved);
document.addEventListener("htmx:sendError", showUnsaved);

function showUnsaved(event) {
  var status = document.getElementById("save-status");
  var form = event.target.closest ? event.target.closest("form[data-unsaved-message]") : null;
  if (status && form) {
    status.textContent = form.getAttribute("data-unsaved-message");
  }
}

// Any other request htmx sent that the server refused in a way the page cannot show in place (a rate
// limit, an expired form, an error): do it again without htmx, so that the browser shows the server's
// own page for it, as it does without JavaScript. A refused form is sent once more, no more.
document.addEventListener("htmx:responseError", function (event) {
  var detail = event.detail || {};
  var elt = detail.elt;
  if (!elt || !elt.closest || elt.closest("form[data-unsaved-message]")) {
    return;
  }
  var config = detail.requestConfig || {};
  if (config.verb === "get") {
    window.location.assign(detail.pathInfo ? detail.pathInfo.requestPath : window.location.href);
    return;
  }
  var form = elt.tagName === "FORM" ? elt : elt.closest("form");
  if (!form || form.hasAttribute("data-sent-again")) {
    return;
  }
  form.setAttribute("data-sent-again", "");
  var submitter = config.triggeringEvent && config.triggeringEvent.submitter;
  if (submitter && submitter.name) {
    var pressed = document.createElement("input");
    pressed.type = "hidden";
    pressed.name = submitter.name;
    pressed.value = submitter.value;
    form.appendChild(pressed);
  }
  HTMLFormElement.prototype.submit.call(form);
});
