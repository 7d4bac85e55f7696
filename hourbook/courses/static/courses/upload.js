/* Lesson upload with a progress bar: the form is sent with XMLHttpRequest so its upload progress can be
   shown; a redirect means saved (follow it), any other answer is the form again with its errors. */
(function () {
  "use strict";
  var form = document.getElementById("lesson-upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var wrap = document.getElementById("upload-progress");
  var bar = wrap ? wrap.querySelector(".progress-bar") : null;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable || !bar) return;
      var pct = Math.round((e.loaded / e.total) * 100);
      wrap.hidden = false;
      wrap.setAttribute("aria-valuenow", String(pct));
      bar.style.width = pct + "%";
      bar.textContent = pct + "%";
    });
    xhr.addEventListener("load", function () {
      var target = xhr.responseURL || "";
      if (xhr.status >= 200 && xhr.status < 300 && target && target.split("#")[0] !== (form.action || window.location.href)) {
        window.location.assign(target);
        return;
      }
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var fresh = doc.getElementById("lesson-upload");
      if (fresh) {
        form.innerHTML = fresh.innerHTML;
        wrap = document.getElementById("upload-progress");
        bar = wrap ? wrap.querySelector(".progress-bar") : null;
      } else {
        window.alert(form.dataset.msgFailed);
      }
    });
    xhr.addEventListener("error", function () { window.alert(form.dataset.msgFailed); });
    xhr.send(new FormData(form));
  });
})();
