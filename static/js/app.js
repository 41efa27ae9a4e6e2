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
