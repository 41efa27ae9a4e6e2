// Small progressive enhancements; every page works without this file.
document.addEventListener("click", function (event) {
  var trigger = event.target.closest("[data-print]");
  if (trigger) {
    window.print();
  }
});

document.documentElement.classList.add("js");

// After an htmx swap that shows errors, move focus to the error summary so it is announced.
document.addEventListener("htmx:afterSwap", function (event) {
  var summary = event.detail.target.querySelector(".error-summary");
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
