// Search and filter as you type; without JavaScript the form's Show button asks the server instead.
(function () {
  var query = document.getElementById("q");
  var data = document.getElementById("data");
  var count = document.getElementById("count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.matrix tbody tr"));
  function apply() {
    var words = query.value.trim().toLowerCase();
    var wanted = data.value;
    var shown = 0;
    rows.forEach(function (row) {
      var match = (!words || row.dataset.name.indexOf(words) !== -1) &&
        (!wanted || row.dataset.takes.split(" ").indexOf(wanted) !== -1);
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " tools";
  }
  document.querySelector("form.filters").addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  document.querySelector("form.filters .apply").hidden = true;
  query.addEventListener("input", apply);
  data.addEventListener("change", apply);
  apply();
})();
