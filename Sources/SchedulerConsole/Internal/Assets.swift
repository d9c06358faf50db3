/// The console's stylesheet and script, compiled into the binary: nothing is fetched from
/// anywhere else (the content security policy forbids it too).
enum Assets {
    static func response(for name: String) -> ConsoleResponse {
        switch name {
        case "console.css": ConsoleResponse(status: 200, contentType: "text/css; charset=utf-8", body: Array(css.utf8))
        case "console.js": ConsoleResponse(status: 200, contentType: "text/javascript; charset=utf-8", body: Array(script.utf8))
        default: .text("not found\n", status: 404)
        }
    }

    static let css = #"""
        :root { --fg:#1d2430; --muted:#5b6677; --line:#d8dee8; --bg:#f6f8fb; --card:#fff; --accent:#2f5fd0; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--fg); background:var(--bg); }
        header { display:flex; align-items:center; gap:16px; padding:8px 16px; background:#1d2430; color:#fff; }
        header a { color:#dfe6f3; text-decoration:none; }
        header .brand { font-weight:600; color:#fff; }
        nav { display:flex; align-items:center; gap:14px; flex:1; }
        nav a.active { color:#fff; border-bottom:2px solid #8fb0ff; }
        nav .project { margin-left:auto; color:#b9c4d6; }
        main { padding:16px; max-width:1280px; margin:0 auto; }
        h1 { font-size:20px; margin:4px 0 12px; } h2 { font-size:16px; margin:20px 0 8px; }
        .card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:16px; }
        .narrow { max-width:440px; } .narrow label { display:block; margin:10px 0; } .narrow input { width:100%; padding:6px; }
        form.inline { display:inline; }
        form.went-out { display:inline-block; vertical-align:top; }
        form.went-out details { display:inline-block; margin-right:6px; } form.went-out summary { cursor:pointer; color:var(--accent); }
        form.went-out label { display:block; margin:4px 0; } form.went-out input { width:16em; padding:3px; }
        .confirmation { color:var(--muted); font-size:12px; }
        button, .button { font:inherit; padding:4px 10px; border:1px solid var(--line); border-radius:6px; background:#fff; color:var(--fg); cursor:pointer; text-decoration:none; }
        button:hover, .button:hover { border-color:var(--accent); }
        button.link { border:none; background:none; color:#dfe6f3; padding:0; }
        .hint { color:var(--muted); } .error { color:#b3261e; } .notice { color:#1d6b35; }
        .toolbar { display:flex; align-items:center; gap:8px; flex-wrap:wrap; } .toolbar h1 { margin-right:12px; }
        .toolbar .tz { margin-left:auto; }
        table.calendar { width:100%; border-collapse:collapse; table-layout:fixed; background:var(--card); }
        .calendar th { padding:6px; color:var(--muted); font-weight:500; border-bottom:1px solid var(--line); }
        .calendar td { vertical-align:top; height:112px; border:1px solid var(--line); padding:2px 4px; }
        .calendar td.blank { background:#eef1f6; }
        .calendar td.today .num { background:var(--accent); color:#fff; border-radius:10px; padding:0 6px; display:inline-block; }
        .calendar td.drop-target { background:#e6eeff; outline:2px dashed var(--accent); outline-offset:-3px; }
        .calendar .num { font-size:12px; color:var(--muted); }
        .calendar.week td { height:30px; padding:1px 3px; } .calendar.week th.hour { width:56px; font-size:12px; text-align:right; padding-right:6px; }
        .calendar.week th.today { color:var(--accent); font-weight:600; }
        .calendar ol { list-style:none; margin:2px 0 0; padding:0; }
        .item { position:relative; margin:2px 0; padding:1px 4px; border-left:4px solid; border-radius:3px; background:#f1f4f9; font-size:12px; white-space:nowrap; }
        .item a { color:inherit; text-decoration:none; display:block; overflow:hidden; text-overflow:ellipsis; }
        .item.movable { cursor:grab; } .item.grabbed { outline:2px solid var(--accent); }
        .item:focus { outline:2px solid var(--accent); }
        .item.st-completed { opacity:.65; } .item.st-cancelled { text-decoration:line-through; opacity:.55; }
        .item.st-failed { background:#fdecea; }
        .item .time { font-variant-numeric:tabular-nums; color:var(--muted); }
        .item .tip { display:none; position:absolute; z-index:5; left:0; top:100%; min-width:220px; white-space:normal; background:#1d2430; color:#fff; padding:6px 8px; border-radius:6px; box-shadow:0 4px 14px rgba(0,0,0,.2); }
        .item:hover .tip, .item:focus .tip { display:block; }
        .dot, .swatch { display:inline-block; width:8px; height:8px; border-radius:50%; margin-right:3px; }
        .swatch { border-radius:2px; width:10px; height:10px; }
        ul.legend { list-style:none; display:flex; gap:12px; padding:0; margin:6px 0; color:var(--muted); }
        .p0 { border-color:#1d9bf0; } .dot.p0 { background:#1d9bf0; }
        .p1 { border-color:#0a66c2; } .dot.p1 { background:#0a66c2; }
        .p2 { border-color:#7b4ddb; } .dot.p2 { background:#7b4ddb; }
        .p3 { border-color:#d62976; } .dot.p3 { background:#d62976; }
        .p4 { border-color:#222; } .dot.p4 { background:#222; }
        .p5 { border-color:#6364ff; } .dot.p5 { background:#6364ff; }
        .p6 { border-color:#8a8f98; } .dot.p6 { background:#8a8f98; }
        .p7 { border-color:#e62117; } .dot.p7 { background:#e62117; }
        .p8 { border-color:#25c2a0; } .dot.p8 { background:#25c2a0; }
        .p9 { border-color:#e09a1a; } .dot.p9 { background:#e09a1a; }
        .dialog { position:fixed; top:20%; left:50%; transform:translateX(-50%); z-index:10; background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; box-shadow:0 10px 40px rgba(0,0,0,.25); max-width:560px; }
        .dialog[hidden] { display:none; }
        .sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
        ul.tiles { list-style:none; display:flex; flex-wrap:wrap; gap:10px; padding:0; margin:0 0 10px; }
        .tile { background:var(--card); border:1px solid var(--line); border-radius:8px; min-width:120px; }
        .tile a, .tile > div { display:block; padding:8px 12px; } .tile a { color:inherit; text-decoration:none; }
        .tile .value { display:block; font-size:22px; font-weight:600; } .tile .label { color:var(--muted); }
        .tile.st-failed .value { color:#b3261e; } .tile.st-completed .value { color:#1d6b35; }
        .charts { display:grid; grid-template-columns:repeat(auto-fit, minmax(480px, 1fr)); gap:12px; }
        figure.chart { margin:0; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px; }
        figure.chart figcaption { font-weight:600; margin-bottom:4px; }
        svg { width:100%; height:auto; }
        svg .grid { stroke:#e3e8f0; } svg .label, svg .value { font-size:11px; fill:var(--muted); }
        svg .line { fill:none; stroke-width:2; }
        rect.st-completed, circle.st-completed, .swatch.st-completed { fill:#2e9b57; background:#2e9b57; } path.st-completed { stroke:#2e9b57; }
        rect.st-failed, .swatch.st-failed { fill:#d9453b; background:#d9453b; }
        rect.st-pending { fill:#e0a526; } rect.st-queued, circle.st-queued, .swatch.st-queued { fill:#3f7be0; background:#3f7be0; } path.st-queued { stroke:#3f7be0; }
        rect.st-processing, circle.st-processing, .swatch.st-processing { fill:#8a52d6; background:#8a52d6; } path.st-processing { stroke:#8a52d6; }
        rect.st-cancelled { fill:#9aa3b1; } rect.st-paused { fill:#c3c9d3; }
        table.list, table.detail { border-collapse:collapse; background:var(--card); width:100%; }
        table.list th, table.list td, table.detail th, table.detail td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); }
        table.detail { max-width:720px; } table.detail th { width:140px; color:var(--muted); font-weight:500; }
        .badge { padding:1px 8px; border-radius:10px; background:#eef1f6; }
        .badge.st-failed { background:#fdecea; color:#b3261e; } .badge.st-completed { background:#e5f5ea; color:#1d6b35; }
        .badge.st-pending { background:#fdf3dc; } .badge.st-queued, .badge.st-processing { background:#e6eeff; }
        .filters { display:block; margin-bottom:10px; } .pager { color:var(--muted); }
        .form { max-width:760px; } .form label { display:block; margin:8px 0; } .form .row { display:flex; gap:12px; flex-wrap:wrap; }
        .form .row label { flex:0 0 auto; } .form .row label.grow { flex:1; } .form .grow input { width:100%; }
        .form input, .form select, .form textarea { font:inherit; padding:5px 6px; border:1px solid var(--line); border-radius:5px; }
        .form #content_id, .form textarea { width:100%; }
        .form fieldset { border:1px solid var(--line); border-radius:6px; margin:8px 0; }
        .form label.check { display:inline-block; margin:4px 12px 4px 0; }
        [aria-invalid="true"] { border-color:#b3261e !important; }
        .field-error { display:block; color:#b3261e; font-size:13px; }
        .validation { margin:10px 0; min-height:1.4em; } .validation.ok { color:#1d6b35; } .validation.warn { color:#8a5a00; } .validation.bad { color:#b3261e; }
        .validation ul { margin:4px 0; } .validation .occurrences { color:var(--fg); }
        table.list form.resolve input { width:160px; }
        .form fieldset.builder fieldset { margin:6px 0; } .form input.short { width:5em; }
        .form .composed output { font-family:"DejaVu Sans Mono", ui-monospace, monospace; background:#eef1f6; padding:1px 6px; border-radius:4px; }
        .form .composed output:empty { display:none; }
        .form [hidden] { display:none !important; }
        """#

    /// Drag a calendar item to another day (or move it with the keyboard) → POST …/move with the
    /// session's CSRF token; a refused move opens a dialog listing the conflicts, offering the
    /// next free time (auto-resolve).
    static let script = #"""
        (function () {
          "use strict";
          // The new-schedule form: Validate as the user types (debounced), before anything is saved.
          var form = document.getElementById("schedule-form");
          if (form) {
            var out = document.getElementById("validation"), timer = null, seq = 0;
            var kind = document.getElementById("recurrence"), composed = document.getElementById("composed-rule");
            var check = function () {
              var n = ++seq;
              var body = new URLSearchParams(new FormData(form)).toString();
              fetch(form.getAttribute("data-validate"), {
                method: "POST", credentials: "same-origin",
                headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                           "X-CSRF-Token": form.querySelector('input[name="csrf"]').value },
                body: body
              }).then(function (r) { return r.json(); }).then(function (j) {
                if (n !== seq) return;  // an older answer: a newer check is on its way
                out.textContent = ""; out.className = "validation";
                form.querySelectorAll('[data-live-invalid]').forEach(function (e) { e.removeAttribute("aria-invalid"); e.removeAttribute("data-live-invalid"); });
                form.querySelectorAll('[data-live-error]').forEach(function (e) { e.remove(); });
                if (composed && typeof j.rule === "string") composed.textContent = j.rule;
                if (j.incomplete) return;
                var p = document.createElement("p");
                if (!j.ok) {
                  out.className = "validation bad";
                  p.textContent = j.message;
                  var f = j.field && (form.querySelector('[data-field="' + j.field + '"]') || form.querySelector('[name="' + j.field + '"]'));
                  if (f) {
                    f.setAttribute("aria-invalid", "true"); f.setAttribute("data-live-invalid", "1");
                    // The message next to the field too, unless the server's page already shows it there.
                    var host = f.hasAttribute("data-field") ? f : (f.closest("label") || f.parentNode);
                    var shown = Array.prototype.some.call(host.querySelectorAll(".field-error"), function (e) { return e.textContent === j.message; });
                    if (!shown) {
                      var span = document.createElement("span");
                      span.className = "field-error"; span.setAttribute("data-live-error", "1"); span.textContent = j.message;
                      host.appendChild(span);
                    }
                  }
                } else if (!j.hasConflict) {
                  out.className = "validation ok";
                  p.textContent = "No conflicts at this time.";
                } else {
                  out.className = j.valid ? "validation warn" : "validation bad";
                  p.textContent = j.valid ? "Allowed, with warnings:" : "This time is refused:" ;
                  if (!j.valid && j.suggested) p.textContent += " the next free time is " + j.suggested + ".";
                }
                out.appendChild(p);
                if (j.occurrences && j.occurrences.length) {
                  var occ = document.createElement("p");
                  occ.className = "occurrences";
                  occ.textContent = "Next: " + j.occurrences.join(" · ");
                  out.appendChild(occ);
                }
                if (j.conflicts && j.conflicts.length) {
                  var ul = document.createElement("ul");
                  j.conflicts.forEach(function (c) {
                    var li = document.createElement("li");
                    li.textContent = c.severity + " · " + c.type + ": " + c.reason + (c.suggestion ? " (" + c.suggestion + ")" : "");
                    ul.appendChild(li);
                  });
                  out.appendChild(ul);
                }
              }).catch(function () {});
            };
            // The recurrence builder: show the parts the chosen kind uses (data-kinds). The rule
            // under it is the one the server composed, from each check's answer.
            if (kind) {
              var units = { daily: "days", weekly: "weeks", monthly: "months" };
              var showKind = function () {
                form.querySelectorAll("[data-kinds]").forEach(function (e) { e.hidden = e.getAttribute("data-kinds").split(" ").indexOf(kind.value) < 0; });
                if (units[kind.value]) document.getElementById("interval-unit").textContent = units[kind.value];
              };
              kind.addEventListener("change", showKind);
              showKind();
              // Choosing a day, or an n-th weekday, picks that option.
              var pick = function (value) {
                return function () { form.querySelector('input[name="monthly_by"][value="' + value + '"]').checked = true; };
              };
              document.getElementById("month_day").addEventListener("change", pick("day"));
              document.getElementById("nth").addEventListener("change", pick("weekday"));
              document.getElementById("nth_weekday").addEventListener("change", pick("weekday"));
            }
            var schedule = function () { clearTimeout(timer); timer = setTimeout(check, 350); };
            form.addEventListener("input", schedule);
            form.addEventListener("change", schedule);
            schedule();
          }

          var table = document.getElementById("calendar");
          if (!table) return;
          var project = table.getAttribute("data-project");
          var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
          var dialog = document.getElementById("move-dialog");
          var live = document.getElementById("live");
          var pending = null;

          function say(text) { live.textContent = text; }
          // Drop targets in document order: days of the month, or day-hour cells of the week, row by
          // row, so ±1 is the next cell and ±7 the one below (a week later, or an hour later).
          function days() { return Array.prototype.slice.call(table.querySelectorAll("td.day")); }
          function hourOf(td) { return td.hasAttribute("data-hour") ? td.getAttribute("data-hour") : null; }

          function move(id, from, to, autoResolve, hour) {
            var body = "csrf=" + encodeURIComponent(csrf) + "&from=" + from + "&to=" + to + (autoResolve ? "&autoResolve=1" : "");
            if (hour !== undefined && hour !== null) body += "&toHour=" + hour + "&tz=" + encodeURIComponent(table.getAttribute("data-tz"));
            say("Moving…");
            return fetch("/projects/" + encodeURIComponent(project) + "/schedules/" + encodeURIComponent(id) + "/move", {
              method: "POST", credentials: "same-origin",
              headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf, "Accept": "application/json" },
              body: body
            }).then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); })
              .then(function (res) {
                if (res.body.ok) {
                  say("Moved to " + res.body.localTime + (res.body.adjusted ? " (moved to the next free time)" : ""));
                  window.location.reload();
                  return;
                }
                if (res.status === 401) { window.location.href = "/sign-in"; return; }
                showRefusal(id, from, to, res.body, hour);
              })
              .catch(function (e) { showRefusal(id, from, to, { message: String(e), conflicts: [] }, hour); });
          }

          function showRefusal(id, from, to, body, hour) {
            pending = { id: id, from: from, to: to, hour: hour };
            document.getElementById("move-message").textContent = body.message || "The server refused the move.";
            var list = document.getElementById("move-conflicts");
            list.textContent = "";
            (body.conflicts || []).forEach(function (c) {
              var li = document.createElement("li");
              li.textContent = c.severity + " · " + c.type + ": " + c.reason + (c.suggestion ? " (" + c.suggestion + ")" : "");
              list.appendChild(li);
            });
            document.getElementById("move-resolve").hidden = !(body.conflicts && body.conflicts.length);
            dialog.hidden = false;
            document.getElementById(body.conflicts && body.conflicts.length ? "move-resolve" : "move-cancel").focus();
            say("The move was refused: " + (body.message || ""));
          }

          document.getElementById("move-resolve").addEventListener("click", function () {
            dialog.hidden = true;
            if (pending) move(pending.id, pending.from, pending.to, true, pending.hour);
          });
          document.getElementById("move-cancel").addEventListener("click", function () { dialog.hidden = true; pending = null; });

          // Mouse: HTML drag and drop.
          table.addEventListener("dragstart", function (e) {
            var item = e.target.closest && e.target.closest("li.item.movable");
            if (!item) { return; }
            var cell = item.closest("td.day");
            e.dataTransfer.setData("text/plain", item.getAttribute("data-id") + " " + item.getAttribute("data-date") + " " + (hourOf(cell) || ""));
            e.dataTransfer.effectAllowed = "move";
          });
          table.addEventListener("dragover", function (e) {
            var td = e.target.closest && e.target.closest("td.day");
            if (!td) return;
            e.preventDefault();
            days().forEach(function (d) { d.classList.toggle("drop-target", d === td); });
          });
          table.addEventListener("dragleave", function (e) {
            var td = e.target.closest && e.target.closest("td.day");
            if (td && !td.contains(e.relatedTarget)) td.classList.remove("drop-target");
          });
          table.addEventListener("drop", function (e) {
            var td = e.target.closest && e.target.closest("td.day");
            days().forEach(function (d) { d.classList.remove("drop-target"); });
            if (!td) return;
            e.preventDefault();
            var data = (e.dataTransfer.getData("text/plain") || "").split(" ");
            if (data.length !== 3) return;
            if (data[1] === td.getAttribute("data-date") && data[2] === (hourOf(td) || "")) return;
            move(data[0], data[1], td.getAttribute("data-date"), false, hourOf(td));
          });

          // Keyboard: Enter picks an item up, arrows choose a day, Enter drops, Escape cancels.
          var grabbed = null, target = null;
          function setTarget(td) {
            days().forEach(function (d) { d.classList.toggle("drop-target", d === td); });
            target = td;
            if (td) say("Over " + td.getAttribute("data-date") + (hourOf(td) !== null ? " " + hourOf(td) + ":00" : "") + ". Enter to move here, Escape to cancel.");
          }
          table.addEventListener("keydown", function (e) {
            var item = e.target.closest && e.target.closest("li.item");
            if (!item) return;
            if (!grabbed) {
              if ((e.key === "Enter" || e.key === " ") && item.classList.contains("movable")) {
                e.preventDefault();
                grabbed = item;
                item.classList.add("grabbed");
                setTarget(item.closest("td.day"));
              }
              return;
            }
            var all = days(), i = all.indexOf(target);
            var rows = parseInt(table.getAttribute("data-columns") || "7", 10);
            var step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -rows, ArrowDown: rows }[e.key];
            if (step) {
              e.preventDefault();
              var j = Math.max(0, Math.min(all.length - 1, i + step));
              setTarget(all[j]);
            } else if (e.key === "Enter" || e.key === " ") {
              e.preventDefault();
              var origin = grabbed.closest("td.day"), dest = target;
              var from = grabbed.getAttribute("data-date"), to = dest.getAttribute("data-date"), id = grabbed.getAttribute("data-id");
              grabbed.classList.remove("grabbed"); grabbed = null; setTarget(null);
              if (origin !== dest) move(id, from, to, false, hourOf(dest));
            } else if (e.key === "Escape") {
              grabbed.classList.remove("grabbed"); grabbed = null; setTarget(null); say("Move cancelled.");
            }
          });
        })();
        """#
}
