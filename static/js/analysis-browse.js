// The analysis workspace's filters. A filter value the server refuses comes back as status 400
// with the form and its messages (HX-Retarget names the form's container): show it, instead of
// leaving the former results in place without a word.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr.status === 400 && xhr.getResponseHeader("HX-Retarget") === "#analysis-browse") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
