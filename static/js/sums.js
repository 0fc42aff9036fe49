// A live check where it helps (issue 15, point 4): in an annual filing, a total of trainees cannot exceed the sum
// of its part's programme rows (every person trained attended a programme). Each total input marked
// data-sum-part="report|plan" shows that sum under it, and a warning when the total is larger; the server checks
// the same on submission (bases.services.filing_problems), so nothing depends on this script.
(function () {
  "use strict";
  var totals = document.querySelectorAll("input[data-sum-part]");
  var body = document.getElementById("programmes-rows");
  if (!totals.length || !body) { return; }
  var notes = [];
  totals.forEach(function (input) {
    var note = document.createElement("div");
    note.className = "form-text";
    note.setAttribute("aria-live", "polite");
    note.id = input.id + "-sum";
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + note.id).trim());
    (input.closest(".mb-3") || input.parentNode).appendChild(note);
    notes.push([input, note]);
  });
  function sums() {
    var out = {};
    body.querySelectorAll("tr").forEach(function (row) {
      var part = row.querySelector("select[name$='-part']");
      var form = row.querySelector("select[name$='-form']");
      var trainees = row.querySelector("input[name$='-trainees']");
      var gone = row.querySelector("input[name$='-DELETE']");
      if (!part || !form || !form.value || !trainees || (gone && gone.checked)) { return; }
      var n = parseInt(trainees.value, 10);
      out[part.value] = (out[part.value] || 0) + (isNaN(n) ? 0 : n);
    });
    return out;
  }
  function check() {
    var by = sums();
    notes.forEach(function (pair) {
      var input = pair[0], note = pair[1];
      var sum = by[input.getAttribute("data-sum-part")] || 0;
      var total = parseInt(input.value, 10);
      if (!isNaN(total) && total > sum) {
        note.textContent = "超过了下方各培训项目人数之和（" + sum + "人），请核对。";
        note.classList.add("text-danger");
      } else {
        note.textContent = "下方各培训项目人数之和：" + sum + "人。";
        note.classList.remove("text-danger");
      }
    });
  }
  document.addEventListener("input", check);
  document.addEventListener("change", check);
  check();
})();
