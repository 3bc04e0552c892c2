/** Dashboard styles: a quiet dark theme; green = local, blue = cloud, amber = fallback. */
export const DASHBOARD_STYLE = `
:root { --bg:#0f1419; --panel:#171e26; --line:#263241; --text:#d9e1ea; --muted:#8495a8;
  --local:#3fb950; --cloud:#58a6ff; --warn:#d29922; --bad:#f85149; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--text); font:14px/1.4 "DejaVu Sans", "Liberation Sans", system-ui, sans-serif; }
header { display:flex; justify-content:space-between; align-items:center; padding:14px 24px; border-bottom:1px solid var(--line); background:var(--panel); }
.brand { font-size:20px; font-weight:700; letter-spacing:.3px; }
.brand .logo { color:var(--local); margin-right:4px; }
.brand .sub { font-size:13px; font-weight:400; color:var(--muted); margin-left:8px; }
.status { display:flex; gap:8px; }
.pill { border:1px solid var(--line); border-radius:999px; padding:3px 10px; font-size:12px; color:var(--muted); }
.pill.ok { color:var(--local); border-color:var(--local); }
.pill.warn { color:var(--warn); border-color:var(--warn); }
.pill.bad, .pill.off { color:var(--bad); border-color:var(--bad); }
.policy { padding:8px 24px; color:var(--muted); font-size:13px; border-bottom:1px solid var(--line); }
.policy .ok { color:var(--local); } .policy .bad { color:var(--bad); }
.policy code { color:var(--text); }
.kpis { display:grid; grid-template-columns:repeat(6, 1fr); gap:12px; padding:16px 24px 4px; }
.kpi { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
.kpi .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.6px; }
.kpi .value { font-size:26px; font-weight:700; margin:4px 0 2px; font-variant-numeric:tabular-nums; }
.kpi.good .value { color:var(--local); }
.kpi .label .unit { text-transform:none; letter-spacing:0; opacity:.7; }
.kpi .hint { color:var(--muted); font-size:12px; }
.charts { display:grid; grid-template-columns:repeat(3, 1fr); gap:12px; padding:12px 24px; }
figure { margin:0; background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:10px 12px; min-width:0; }
figcaption { color:var(--muted); font-size:12px; margin-bottom:6px; }
.chart { height:190px; }
.model { font-size:13px; color:var(--muted); line-height:1.7; }
.model b { color:var(--text); font-weight:600; }
.uplot { font-family:inherit; }
.u-legend { font-size:11px; color:var(--muted); }
.u-legend .u-marker { width:10px; height:10px; }
.decisions { padding:4px 24px 24px; }
.decisions h2 { font-size:14px; color:var(--muted); text-transform:uppercase; letter-spacing:.6px; margin:8px 0; }
table { width:100%; border-collapse:collapse; background:var(--panel); border:1px solid var(--line); border-radius:8px; font-size:12.5px; font-variant-numeric:tabular-nums; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); white-space:nowrap; }
th { color:var(--muted); font-weight:600; font-size:11.5px; text-transform:uppercase; letter-spacing:.4px; }
td.rule { max-width:220px; overflow:hidden; text-overflow:ellipsis; }
tr.new td { animation: flash 1.2s ease-out; }
@keyframes flash { from { background:#223245; } to { background:transparent; } }
.badge { display:inline-block; padding:1px 8px; border-radius:4px; font-size:11.5px; font-weight:700; background:rgba(188,140,255,.15); color:#bc8cff; }
.replica { display:block; margin-top:2px; color:var(--muted); font-size:11px; }
.badge.local { background:rgba(63,185,80,.15); color:var(--local); }
.badge.cloud { background:rgba(88,166,255,.15); color:var(--cloud); }
.badge.none { background:rgba(248,81,73,.15); color:var(--bad); }
.badge.deferred, .badge.dry-run { background:rgba(210,153,34,.15); color:var(--warn); }
td.reasons { max-width:360px; white-space:normal; color:var(--muted); font-size:12px; }
.fallback { color:var(--warn); }
.err { color:var(--bad); }
.empty td { color:var(--muted); text-align:center; padding:18px; }
@media (max-width: 1100px) { .kpis { grid-template-columns:repeat(3, 1fr); } .charts { grid-template-columns:1fr 1fr; } }
`;
