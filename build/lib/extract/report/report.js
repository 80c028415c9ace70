// Sort the cross-project table by a column (numbers by data-v), and filter its rows.
(function () {
  const table = document.querySelector("#projects table");
  if (!table) return;
  const body = table.tBodies[0];
  table.querySelectorAll("th").forEach((th, col) => {
    th.addEventListener("click", () => {
      const asc = !th.classList.contains("asc");
      table.querySelectorAll("th").forEach((h) => h.classList.remove("asc", "desc"));
      th.classList.add(asc ? "asc" : "desc");
      const key = (row) => {
        const cell = row.cells[col];
        const v = cell.dataset.v;
        return v === undefined ? cell.textContent : v === "" ? null : Number(v);
      };
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        if (x === null) return 1;
        if (y === null) return -1;
        const c = typeof x === "number" ? x - y : String(x).localeCompare(String(y), "zh");
        return asc ? c : -c;
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
  const filter = document.getElementById("filter");
  if (filter) filter.addEventListener("input", () => {
    const q = filter.value.trim().toLowerCase();
    Array.from(body.rows).forEach((r) => { r.hidden = q && !r.textContent.toLowerCase().includes(q); });
  });
})();
