// Header inbox badge: live unread count over Server-Sent Events (see notifications/realtime.py) when the
// page offers a stream (servers with Redis), else polling the JSON badge every 30 s while the page is visible.
(function () {
  var bell = document.querySelector(".inbox-bell");
  if (!bell || bell.dataset.live) return;
  bell.dataset.live = "1";
  var badge = bell.querySelector(".badge");
  function show(n) {
    n = parseInt(n, 10) || 0;
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.hidden = n === 0;
    document.dispatchEvent(new CustomEvent("shequ:unread", { detail: { unread: n } }));
  }
  if (window.EventSource && bell.dataset.stream) {
    var source = new EventSource(bell.dataset.stream);
    source.addEventListener("unread", function (e) {
      try { show(JSON.parse(e.data).unread); } catch (err) { /* ignore a bad frame */ }
    });
    window.addEventListener("pagehide", function () { source.close(); });
  } else {
    var poll = function () {
      if (document.hidden) return;
      fetch(bell.dataset.badge, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (d) { show(d.unread); })
        .catch(function () {});
    };
    poll();
    setInterval(poll, 30000);
  }
})();
