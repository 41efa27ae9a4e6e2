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
