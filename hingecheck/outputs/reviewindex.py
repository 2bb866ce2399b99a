"""The index page of ``hingecheck review``: one row per clip, sortable and filterable without a server.

Each row (``tr.clip``, with ``data-athlete``, ``data-exercise``,
``data-state``) holds the worst rep's still, the clip linked to its report,
the athlete, the exercise (and where it came from), the verdict state, the
faults in words with their share of reps, and links to the JSON report and
the annotated video. Links are relative to the page, so the output folder
can be moved or shared as a whole.
"""

from __future__ import annotations

import html
import time
from collections import Counter

from hingecheck import __version__
from hingecheck.outputs.reviewed import STATES, ReviewedClip

CSS = """
body{font-family:system-ui,sans-serif;margin:1.2em;color:#222}
h1{margin:.2em 0}.meta{color:#666;font-size:13px}
.filters{margin:.8em 0;display:flex;gap:.6em;flex-wrap:wrap;align-items:center}
.filters input,.filters select{font-size:14px;padding:3px 6px}
table{border-collapse:collapse;width:100%}
th{background:#f0f0f0;text-align:left;cursor:pointer;user-select:none;white-space:nowrap}
th.sorted-asc::after{content:' \\25B2'}th.sorted-desc::after{content:' \\25BC'}
td,th{border-bottom:1px solid #ddd;padding:6px 8px;font-size:14px;vertical-align:middle}
td.thumb img{height:96px;border-radius:4px;display:block}
.state{display:inline-block;padding:2px 8px;border-radius:10px;font-weight:600;font-size:13px;white-space:nowrap}
.state.clean{background:#d9f2dd;color:#14672a}.state.faults{background:#fbdcdc;color:#a11}
.state.partly-checked{background:#fff1c9;color:#7a5a00}.state.not-checked{background:#e6e6e6;color:#444}
.from{color:#888;font-size:12px}.err{color:#a11}.links a{margin-right:.5em}
.summary span{margin-right:1em}
"""

SCRIPT = """
(function(){
  var table=document.getElementById('clips'),body=table.tBodies[0];
  var rows=[].slice.call(body.rows);
  function apply(){
    var q=document.getElementById('q').value.toLowerCase();
    var want={athlete:document.getElementById('f-athlete').value,exercise:document.getElementById('f-exercise').value,
              state:document.getElementById('f-state').value};
    var shown=0;
    rows.forEach(function(r){
      var ok=(!q||r.textContent.toLowerCase().indexOf(q)>=0);
      for(var k in want){if(want[k]&&r.getAttribute('data-'+k)!==want[k])ok=false;}
      r.hidden=!ok;if(ok)shown++;
    });
    document.getElementById('shown').textContent=shown+' of '+rows.length+' clips';
  }
  ['q','f-athlete','f-exercise','f-state'].forEach(function(id){
    document.getElementById(id).addEventListener('input',apply);
  });
  [].slice.call(table.tHead.rows[0].cells).forEach(function(th,col){
    if(th.classList.contains('nosort'))return;
    th.addEventListener('click',function(){
      var asc=!th.classList.contains('sorted-asc');
      [].slice.call(th.parentNode.cells).forEach(function(c){c.classList.remove('sorted-asc','sorted-desc');});
      th.classList.add(asc?'sorted-asc':'sorted-desc');
      rows.sort(function(a,b){
        var x=a.cells[col].getAttribute('data-sort'),y=b.cells[col].getAttribute('data-sort');
        var nx=parseFloat(x),ny=parseFloat(y);
        var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);
        return asc?c:-c;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  apply();
})();
"""


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def _link(href: str | None, text: str) -> str:
    return f"<a href='{_e(href)}'>{_e(text)}</a>" if href else ""


def _row(c: ReviewedClip) -> str:
    thumb = (f"<img src='{_e(c.thumb)}' alt='worst rep of {_e(c.clip)}'>" if c.thumb else "")
    name = _link(c.report, c.clip) or _e(c.clip)
    state = f"<span class='state {c.state.replace(' ', '-')}'>{_e(c.state)}</span>"
    faults = f"<span class='err'>{_e(c.faults_text())}</span>" if c.error else _e(c.faults_text())
    worst = max((f["reps"] / f["of"] for f in c.faults if f["of"]), default=0.0)
    links = _link(c.json, "JSON") + _link(c.video, "video") + (" (cached)" if c.cached else "")
    athlete = c.athlete or "--"
    return (f"<tr class='clip' data-clip='{_e(c.clip)}' data-athlete='{_e(athlete)}' data-exercise='{_e(c.exercise)}'"
            f" data-state='{_e(c.state)}'>"
            f"<td class='thumb' data-sort=''>{thumb}</td><td class='name' data-sort='{_e(c.clip)}'>{name}</td>"
            f"<td data-sort='{_e(athlete)}'>{_e(athlete)}</td>"
            f"<td class='exercise' data-sort='{_e(c.exercise)}'>{_e(c.exercise.replace('_', ' '))}"
            f"<div class='from'>from {_e(c.exercise_from)}</div></td>"
            f"<td class='verdict' data-sort='{STATES.index(c.state)}'>{state}</td>"
            f"<td class='faults' data-sort='{worst:.3f}'>{faults}</td>"
            f"<td data-sort='{c.reps}'>{c.reps} ({c.judged_reps} judged)</td>"
            f"<td class='links' data-sort=''>{links}</td></tr>")


def _select(ident: str, label: str, values) -> str:
    opts = "".join(f"<option value='{_e(v)}'>{_e(v)}</option>" for v in sorted(set(values)))
    return f"<label>{label} <select id='{ident}'><option value=''>all</option>{opts}</select></label>"


def build_index(clips: list[ReviewedClip], *, folder: str, default_exercise: str) -> str:
    """The whole page; ``clips`` in the order to show them (worst first is the caller's choice)."""
    states = Counter(c.state for c in clips)
    summary = "".join(f"<span><b>{states[s]}</b> {_e(s)}</span>" for s in STATES if states[s])
    filters = ("<div class='filters'><input id='q' type='search' placeholder='filter: clip, athlete, fault…'>"
               + _select("f-athlete", "athlete", [c.athlete or "--" for c in clips])
               + _select("f-exercise", "exercise", [c.exercise for c in clips])
               + _select("f-state", "verdict", [c.state for c in clips])
               + "<span id='shown' class='meta'></span></div>")
    head = "".join(f"<th{' class=nosort' if h in ('', 'outputs') else ''}>{h}</th>" for h in
                   ("", "clip", "athlete", "exercise", "verdict", "faults (share of judged reps)", "reps", "outputs"))
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>hingecheck review: {_e(folder)}</title><style>{CSS}</style></head><body>"
            f"<h1>Review of {_e(folder)}</h1><div class='meta'>{len(clips)} clips · "
            f"{_e(time.strftime('%Y-%m-%d %H:%M'))} · hingecheck {_e(__version__)} · exercise from a "
            f"manifest, else the file or folder name, else the default ({_e(default_exercise)})</div>"
            f"<p class='summary'>{summary}</p>{filters}"
            f"<table id='clips'><thead><tr>{head}</tr></thead><tbody>"
            + "".join(_row(c) for c in clips) + f"</tbody></table><script>{SCRIPT}</script></body></html>\n")
