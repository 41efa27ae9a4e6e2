// Written submissions: check the size and number of chosen files before they are sent, so that
// nobody waits for a large upload only to have it refused. The server checks again; without this
// file, the form still works and an oversized request gets an explanation page.
(function () {
  function check(input) {
    var status = document.getElementById("files-check");
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
    var problems = [];
    var files = input.files || [];
    for (var i = 0; i < files.length; i++) {
      if (maxBytes && files[i].size > maxBytes) {
        problems.push(input.getAttribute("data-too-big") + " " + files[i].name);
      }
    }
    if (maxFiles && files.length > maxFiles) {
      problems.push(input.getAttribute("data-too-many") || "");
    }
    var message = problems.join(" ");
    if (status) {
      status.textContent = message;
      status.classList.toggle("error", message !== "");
    }
    if (message) {
      input.setAttribute("aria-invalid", "true");
    } else if (!input.closest(".field-invalid")) {
      input.removeAttribute("aria-invalid");
    }
    return message === "";
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-bytes]")) {
      check(event.target);
    }
  });

  document.addEventListener("submit", function (event) {
    var input = event.target.querySelector("input[type=file][data-max-bytes]");
    var submitter = event.submitter;
    // Removing a saved document sends no new file: let it through.
    if (!input || (submitter && submitter.name === "remove_attachment")) {
      return;
    }
    if (!check(input)) {
      event.preventDefault();
      input.focus();
    }
  });
})();
