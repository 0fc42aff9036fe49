// The progress of an export built in the background: asks the server every two seconds and reloads the page
// with the download link once the file is ready (or the reason it failed). Without JavaScript the page offers a
// refresh link.
(function () {
  "use strict";
  var box = document.querySelector("[data-export-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var status = document.getElementById("export-status");
  function ask() {
    fetch(box.getAttribute("data-export-progress"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (data.finished) { window.location.reload(); return; }
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        status.textContent = data.label + "：已写入" + data.done + "行，共约" + data.total + "行。";
        window.setTimeout(ask, 2000);
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 1000);
})();
