/** The dashboard page shell; app.js fills it from /dashboard/events. No inline script (strict CSP). */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard · live routing</title>
<link rel="stylesheet" href="/dashboard/vendor/uPlot.min.css">
<link rel="stylesheet" href="/dashboard/app.css">
</head>
<body>
<header>
  <div class="brand"><span class="logo">⇄</span> Switchyard <span class="sub">live routing</span></div>
  <div class="status">
    <span id="live" class="pill off">connecting…</span>
    <span id="link" class="pill">link: –</span>
    <span id="breaker" class="pill">breaker: –</span>
  </div>
</header>
<section class="policy" id="policy">Policy: –</section>
<section class="kpis">
  <div class="kpi"><div class="label">Requests</div><div class="value" id="k-requests">0</div><div class="hint" id="k-failed">0 failed</div></div>
  <div class="kpi"><div class="label">Local share</div><div class="value" id="k-share">–</div><div class="hint" id="k-split">0 local · 0 cloud</div></div>
  <div class="kpi"><div class="label">Fallbacks</div><div class="value" id="k-fallbacks">0</div><div class="hint" id="k-fallback-rate">–</div></div>
  <div class="kpi"><div class="label">Tokens / s <span class="unit">recent</span></div><div class="value" id="k-tps">0</div><div class="hint" id="k-local-tps">local decode: –</div></div>
  <div class="kpi good"><div class="label">Money saved</div><div class="value" id="k-saved-usd">$0</div><div class="hint" id="k-spent-usd">spent upstream: $0</div></div>
  <div class="kpi good"><div class="label">Device energy saved</div><div class="value" id="k-saved-mwh">0 mWh</div><div class="hint" id="k-spent-mwh">spent locally: 0 mWh</div></div>
</section>
<section class="charts">
  <figure><figcaption>Device — battery % and CPU load %</figcaption><div id="c-device" class="chart"></div></figure>
  <figure><figcaption>Link — RTT (ms) and bandwidth (Mbit/s)</figcaption><div id="c-link" class="chart"></div></figure>
  <figure><figcaption>Routing — requests per interval</figcaption><div id="c-routing" class="chart"></div></figure>
  <figure><figcaption>Throughput — completion tokens/s</figcaption><div id="c-tps" class="chart"></div></figure>
  <figure><figcaption>Savings — cumulative money (USD) and device energy (mWh)</figcaption><div id="c-savings" class="chart"></div></figure>
  <figure class="device"><figcaption>Energy model</figcaption><div id="energy-model" class="model"></div></figure>
</section>
<section class="decisions">
  <h2>Live decisions</h2>
  <table>
    <thead><tr><th>Time</th><th>Served</th><th>Model</th><th>Rule</th><th>Score · task</th><th>Fallback</th><th>Status</th><th>Latency</th><th>Tokens in/out</th><th>Tok/s</th><th>Cost / energy</th><th>Saved</th><th>Reasons</th></tr></thead>
    <tbody id="decisions"><tr class="empty"><td colspan="13">Waiting for requests…</td></tr></tbody>
  </table>
</section>
<script src="/dashboard/vendor/uPlot.iife.min.js"></script>
<script src="/dashboard/app.js"></script>
</body>
</html>
`;
