// The progress of a job run in the background (a training sheet read, an export built): asks the server every
// two seconds and reloads the page once the job has finished (its report, its download link, or the reason it
// failed). Without JavaScript the page offers a refresh link.
//
// <div data-progress="URL of the JSON" data-progress-count="done|processed" data-progress-verb="已写入|已读取">
//   <p role="status" data-progress-status>…</p> <progress max="100">…</progress>
// </div>
(function () {
  "use strict";
  var box = document.querySelector("[data-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var status = box.querySelector("[data-progress-status]");
  var count = box.getAttribute("data-progress-count");
  var verb = box.getAttribute("data-progress-verb");
  function ask() {
    fetch(box.getAttribute("data-progress"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (data.finished) { window.location.reload(); return; }
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        status.textContent = data.label + "：" + verb + data[count] + "行，共约" + data.total + "行。";
        window.setTimeout(ask, 2000);
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 1000);
})();
