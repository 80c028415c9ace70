"use strict";
// The review page: the queue from /api/queue, one item at a time. Every text from the
// dataset is set with textContent (never as markup). Keys: j/k move, typing edits the value,
// Enter confirms it (unchanged) or saves the correction, Esc restores it.
(function () {
  const token = new URLSearchParams(location.search).get("token") || "";
  const $ = (id) => document.getElementById(id);
  let state = { items: [], forms: {}, findings: {} };
  let at = 0;

  function q(params) {
    const p = new URLSearchParams({ token, ...params });
    return p.toString();
  }

  async function load() {
    const r = await fetch("/api/queue?" + q({}));
    if (!r.ok) { $("status").textContent = "无法读取队列（" + r.status + "）"; return; }
    state = await r.json();
    const first = state.items.findIndex((i) => !i.settled);
    at = first >= 0 ? first : 0;
    render();
  }

  function text(el, s) { el.textContent = s == null ? "" : String(s); }

  function render() {
    text($("progress"), state.left + " / " + state.total + " 待核对");
    const list = $("queue");
    list.replaceChildren();
    state.items.forEach((item, i) => {
      const li = document.createElement("li");
      li.dataset.index = String(i);
      if (i === at) li.className = "current";
      if (item.settled) li.classList.add("settled");
      const conf = document.createElement("span");
      conf.className = "conf";
      conf.textContent = item.confidence == null ? "" : item.confidence.toFixed(2);
      li.append(conf, document.createTextNode((item.project_name || item.form_id) + " · " + item.subject + "." + item.field));
      li.addEventListener("click", () => { at = i; render(); $("value").focus(); });
      list.append(li);
    });
    const item = state.items[at];
    $("empty").hidden = !!item;
    $("detail").hidden = !item;
    if (!item) return;
    list.children[at].scrollIntoView({ block: "nearest" });
    text($("project"), item.project_name || "");
    text($("path"), item.path);
    text($("page"), item.page);
    text($("subject"), item.subject);
    text($("field"), item.field);
    text($("why"), item.why === "doubt" ? item.message : item.why + "：" + item.message);
    text($("confidence"), item.confidence == null ? "" : "识别置信度 " + item.confidence.toFixed(2));
    // A form read from its workbook or document has no page to crop: its cell is named instead.
    $("crop").hidden = !!item.cell;
    $("cell").hidden = !item.cell;
    text($("cell"), item.cell ? "原表单元格：" + item.cell : "");
    if (!item.cell) $("crop").src = "/api/crop?" + q({ form_id: item.form_id, subject: item.subject, field: item.field });
    const input = $("value");
    // The value as the dataset holds it; where the value rules could not take the text read
    // ("13.07,"), that text, to be mended.
    input.value = item.field === "needs_review" ? "false" : (item.value || item.read || "");
    text($("read"), item.read != null && item.read !== item.value ? "识别文字：" + item.read : "");
    input.dataset.read = input.value;
    const form = state.forms[item.form_id] || {};
    text($("verdict"), form.needs_review ? "（仍需复核：" + (form.doubts_open || []).join("，") + "）" : "（已核对完毕）");
    const ul = $("findings");
    ul.replaceChildren();
    for (const f of state.findings[item.form_id] || []) {
      const li = document.createElement("li");
      li.className = f.severity + (f.subject === item.subject ? " mine" : "");
      li.textContent = f.severity + " · " + f.check + " · " + (f.subject || "") + " · " + (f.message || "") +
        (f.source === "extraction" ? "（识别存疑）" : "");
      ul.append(li);
    }
  }

  async function submit() {
    const item = state.items[at];
    if (!item) return;
    const input = $("value");
    const changed = input.value !== input.dataset.read;
    const action = item.field === "needs_review" || changed ? "correct" : "confirm";
    const r = await fetch("/api/entry?" + q({}), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Jixiao-Token": token },
      body: JSON.stringify({ form_id: item.form_id, subject: item.subject, field: item.field, action,
                             value: action === "correct" ? input.value : null }),
    });
    const body = await r.json();
    if (!r.ok) {
      $("status").className = "error";
      text($("status"), body.error || ("保存失败（" + r.status + "）"));
      return;
    }
    $("status").className = "ok";
    text($("status"), action === "confirm" ? "已确认：" + body.old : "已更正：" + body.old + " → " + body.new);
    const key = (i) => i.form_id + "|" + i.subject + "|" + i.field;
    const done = key(item);
    state = body;
    const same = state.items.findIndex((i) => key(i) === done);
    const next = state.items.findIndex((i, n) => n > same && !i.settled);
    at = next >= 0 ? next : Math.max(0, same);
    render();
    input.focus();
  }

  $("entry").addEventListener("submit", (e) => { e.preventDefault(); submit(); });
  document.addEventListener("keydown", (e) => {
    const input = $("value");
    if (e.target === input) {
      if (e.key === "Escape") { input.value = input.dataset.read || ""; input.blur(); }
      else if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit(); }
      return;
    }
    if (e.key === "j" || e.key === "ArrowDown") { at = Math.min(at + 1, state.items.length - 1); render(); e.preventDefault(); }
    else if (e.key === "k" || e.key === "ArrowUp") { at = Math.max(at - 1, 0); render(); e.preventDefault(); }
    else if (e.key === "Enter") { submit(); e.preventDefault(); }
    else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
      input.value = ""; input.focus();  // typing starts the correction
    }
  });
  load();
})();
