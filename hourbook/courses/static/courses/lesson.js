/* Study reports of an open lesson (第九条四). The server decides what counts; this page only says what
   happens: "start" when playing begins (taking over from any other page), "tick" every interval while
   playing and visible, and "pause", "seek", "hide", "close" at once (navigator.sendBeacon when leaving).
   Data comes from the #lesson-study element's data- attributes; no inline script (CSP). */
(function () {
  "use strict";
  var box = document.getElementById("lesson-study");
  if (!box || box.dataset.learnable !== "1") return;
  var url = box.dataset.reportUrl;
  var interval = Math.max(1, Number(box.dataset.interval) || 20) * 1000;
  var media = document.getElementById("lesson-media");
  var status = document.getElementById("lesson-status");
  var creditedEl = document.getElementById("lesson-credited");
  var resumeButton = document.getElementById("lesson-resume");
  var token = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + String(Math.random()).slice(2);
  var timer = null;
  var active = false; // this page is measuring (playing / document open) and holds the session
  box.dataset.token = token;

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = box.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function position() {
    return media ? Math.floor(media.currentTime || 0) : 0;
  }

  function form(event) {
    var data = new FormData();
    data.append("token", token);
    data.append("event", event);
    data.append("position", String(position()));
    data.append("csrfmiddlewaretoken", csrf());
    return data;
  }

  function hms(total) {
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    return h + "小时" + m + "分" + s + "秒";
  }

  function say(text) {
    if (!status) return;
    status.textContent = text || "";
    status.hidden = !text;
  }

  function stopTicking() {
    if (timer) { clearInterval(timer); timer = null; }
  }

  function startTicking() {
    stopTicking();
    timer = setInterval(function () { send("tick"); }, interval);
  }

  function handle(ok, data) {
    if (typeof data.credited === "number") {
      box.dataset.credited = String(data.credited);
      if (creditedEl) creditedEl.textContent = hms(data.credited);
    }
    box.dataset.reports = String(Number(box.dataset.reports || "0") + 1);
    if (data.stop) {
      active = false;
      stopTicking();
      box.dataset.stopped = "1";
      if (media && !media.paused) media.pause();
      if (resumeButton) resumeButton.hidden = false;
      say(data.message);
      return;
    }
    if (!ok) { say(box.dataset.msgError); return; }
    if (data.complete) say(box.dataset.msgComplete);
  }

  function pending(delta) {
    box.dataset.pending = String(Number(box.dataset.pending || "0") + delta);
  }

  function send(event) {
    pending(1);
    return fetch(url, {
      method: "POST",
      body: form(event),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() },
    }).then(function (response) {
      return response.json().then(function (data) { handle(response.ok, data); });
    }).catch(function () { say(box.dataset.msgError); })
      .finally(function () { pending(-1); });
  }

  function beacon(event) {
    if (navigator.sendBeacon) navigator.sendBeacon(url, form(event));
    else send(event);
  }

  function begin() {
    active = true;
    box.dataset.stopped = "0";
    say(box.dataset.credited >= box.dataset.seconds ? box.dataset.msgComplete : "");
    if (resumeButton) resumeButton.hidden = true;
    send("start");
    startTicking();
  }

  function end(event, useBeacon) {
    if (!active) return;
    active = false;
    stopTicking();
    if (useBeacon) beacon(event); else send(event);
  }

  if (media) {
    var resumeAt = Number(box.dataset.position) || 0;
    media.addEventListener("loadedmetadata", function () {
      if (resumeAt > 0 && resumeAt < media.duration) media.currentTime = resumeAt;
    }, { once: true });
    media.addEventListener("play", function () {
      if (document.visibilityState === "visible") begin();
    });
    media.addEventListener("pause", function () { end("pause", false); });
    media.addEventListener("seeked", function () { if (active) send("seek"); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        end("hide", true);
        if (!media.paused) say(box.dataset.msgHidden);
      } else if (!media.paused && !active) {
        begin();
      }
    });
  } else {
    // A document counts while its page is open in front.
    if (document.visibilityState === "visible") begin();
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") end("hide", true);
      else if (box.dataset.stopped !== "1") begin();
    });
    if (resumeButton) resumeButton.addEventListener("click", begin);
  }
  window.addEventListener("pagehide", function () { end("close", true); });
})();
