// Copy the chart note with one button (progressive enhancement: without JavaScript the
// button stays hidden and the note is selectable in its read-only box). No inline script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copyTarget);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!source || !navigator.clipboard || !window.isSecureContext) {
      return;  // no Clipboard API (e.g. plain http on another host): keep the manual way
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value || source.textContent).then(function () {
        if (status) { status.textContent = "Copied. Paste it into the patient's record."; }
      }, function () {
        source.focus();
        source.select();
        if (status) { status.textContent = "Could not copy: the note is selected, press Ctrl+C."; }
      });
    });
  });
});
