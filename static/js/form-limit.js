/* A form larger than the server accepts is stopped before it is sent, with a
   message beside it: the typed text stays where it is. The limit and the
   message come from <meta> tags of base.html (no inline script: CSP). */
(function () {
  "use strict";
  var limitTag = document.querySelector('meta[name="max-request-bytes"]');
  var messageTag = document.querySelector('meta[name="request-too-large"]');
  if (!limitTag || !messageTag) { return; }
  var limit = parseInt(limitTag.content, 10);
  var encoder = new TextEncoder();

  function size(form) {
    var bytes = 0;
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") {
        // As the browser will send it, percent-encoded.
        bytes += encoder.encode(encodeURIComponent(name) + "=" + encodeURIComponent(value) + "&").length;
      } else {
        bytes += value.size + 200;
      }
    });
    return bytes;
  }

  function warn(form) {
    var box = form.previousElementSibling;
    if (!box || !box.classList.contains("form-too-large")) {
      box = document.createElement("div");
      box.className = "message message-error form-too-large";
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = messageTag.content;
    box.scrollIntoView({ block: "center" });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") { return; }
    if (size(form) > limit) {
      event.preventDefault();
      event.stopImmediatePropagation();
      warn(form);
    }
  }, true);
})();
