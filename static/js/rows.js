// 添加一行 (issue 15, point 4). A table of rows (a Django formset) grows in the page: the button copies the row in
// its <template> (the formset's empty form), numbers it, counts it in TOTAL_FORMS and puts the cursor in it.
// The button is a submit button named "<prefix>-add": without this script the form goes to the server, which
// shows it again as typed with one more row (core.forms.RowLabelledFormSet).
(function () {
  "use strict";
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-row");
    var template = document.getElementById(prefix + "-empty-row");
    var body = document.getElementById(prefix + "-rows");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var status = document.getElementById(prefix + "-row-status");
    if (!template || !body || !total) { return; }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) {
        status.textContent = "最多" + max.value + "行，不能再添加。";
        return;
      }
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/新增行/g, "第" + (index + 1) + "行");
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var row = body.lastElementChild;
      var first = row.querySelector("input:not([type=hidden]):not([type=checkbox]), select, textarea");
      if (first) { first.focus(); }
      if (status) { status.textContent = "已添加第" + (index + 1) + "行。"; }
      row.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
