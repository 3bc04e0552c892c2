/**
 * The dashboard's browser code (plain ES5-ish JS, no build step). Kept free of backticks and `${` so it
 * can live in this string. It reads one SSE stream: `state` once, then `decision` and `sample` events.
 */
// biome-ignore lint/complexity/noUselessStringRaw: kept so a backslash added to the browser code (a regex, a "\n") reaches the browser as written
export const DASHBOARD_SCRIPT = String.raw`(function () {
  'use strict';
  var MAX_POINTS = 600, MAX_ROWS = 60;
  var C = { local: '#3fb950', cloud: '#58a6ff', warn: '#d29922', bad: '#f85149', violet: '#bc8cff', teal: '#39c5cf', axis: '#8495a8', grid: '#263241' };
  var data = { t: [], battery: [], cpu: [], rtt: [], bw: [], local: [], cloud: [], pools: [], fb: [], tps: [], usd: [], mwh: [] };
  var charts = [];
  var rows = 0;

  function $(id) { return document.getElementById(id); }
  function num(v, digits) { return v === null || v === undefined ? '–' : Number(v).toFixed(digits); }
  function usd(v) {
    if (v === null || v === undefined) return '–';
    if (v === 0) return '$0';
    if (v < 0.00001) return '<$0.00001';
    return '$' + (v < 0.01 ? v.toFixed(5) : v < 10 ? v.toFixed(4) : v.toFixed(2));
  }
  function mwh(v) {
    if (v === null || v === undefined) return '–';
    return v >= 1000 ? (v / 1000).toFixed(2) + ' Wh' : v.toFixed(v < 10 ? 2 : 1) + ' mWh';
  }
  function axis(scale, side, fmt, size) {
    return { scale: scale, side: side, stroke: C.axis, grid: { stroke: C.grid, width: 1 }, ticks: { stroke: C.grid },
      size: size || 52, values: fmt ? function (u, vals) { return vals.map(fmt); } : undefined };
  }
  function line(label, color, scale, fill, paths) {
    var s = { label: label, stroke: color, width: 2, scale: scale, spanGaps: false, points: { show: false } };
    if (fill) s.fill = color + '22';
    if (paths) s.paths = paths;
    return s;
  }
  function chart(id, series, scales, axes, cols) {
    var host = $(id);
    var opts = { width: host.clientWidth || 400, height: 160, series: [{}].concat(series), scales: scales,
      axes: [{ stroke: C.axis, grid: { stroke: C.grid, width: 1 }, ticks: { stroke: C.grid },
        values: function (u, vals) { return vals.map(function (v) { return new Date(v * 1000).toLocaleTimeString(); }); } }].concat(axes),
      legend: { live: false }, cursor: { drag: { x: false, y: false } } };
    var u = new uPlot(opts, [data.t].concat(cols.map(function (k) { return data[k]; })), host);
    charts.push({ u: u, host: host, cols: cols });
  }
  function setupCharts() {
    var stepped = uPlot.paths && uPlot.paths.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined;
    chart('c-device', [line('Battery %', C.warn, '%'), line('CPU load %', C.bad, '%')],
      { x: { time: true }, '%': { range: [0, 100] } }, [axis('%', 3)], ['battery', 'cpu']);
    chart('c-link', [line('RTT ms', C.violet, 'ms'), line('Bandwidth Mbit/s', C.teal, 'mbps')],
      { x: { time: true }, ms: { range: function (u, min, max) { return [0, Math.max(10, max * 1.1)]; } }, mbps: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
      [axis('ms', 3), axis('mbps', 1)], ['rtt', 'bw']);
    // A site's pools (edge, from --targets) are one series: the KPI split above names each of them.
    chart('c-routing', [line('Local', C.local, 'n', true, stepped), line('Cloud', C.cloud, 'n', true, stepped), line('Site pools', C.violet, 'n', true, stepped), line('Fallbacks', C.warn, 'n', false, stepped)],
      { x: { time: true }, n: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } }, [axis('n', 3)], ['local', 'cloud', 'pools', 'fb']);
    chart('c-tps', [line('Tokens/s', C.local, 'tps', true)],
      { x: { time: true }, tps: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } }, [axis('tps', 3)], ['tps']);
    chart('c-savings', [line('Saved USD', C.local, 'usd', true), line('Saved mWh', C.cloud, 'mwh')],
      { x: { time: true }, usd: { range: function (u, min, max) { return [0, Math.max(0.0001, max * 1.1)]; } }, mwh: { range: function (u, min, max) { return [0, Math.max(0.01, max * 1.1)]; } } },
      [axis('usd', 3, function (v) { return v == null ? '' : '$' + (v < 0.01 ? v.toFixed(4) : v.toFixed(2)); }, 70), axis('mwh', 1)], ['usd', 'mwh']);
    window.addEventListener('resize', function () {
      charts.forEach(function (c) { c.u.setSize({ width: c.host.clientWidth, height: 160 }); });
    });
  }
  function redraw() {
    charts.forEach(function (c) { c.u.setData([data.t].concat(c.cols.map(function (k) { return data[k]; }))); });
    document.body.setAttribute('data-samples', String(data.t.length));
  }
  function pushSample(s) {
    data.t.push(s.at / 1000);
    data.battery.push(s.batteryPercent);
    data.cpu.push(s.cpuLoad === null ? null : s.cpuLoad * 100);
    data.rtt.push(s.rttMs);
    data.bw.push(s.bandwidthMbps);
    data.local.push(s.local);
    data.cloud.push(s.cloud);
    data.pools.push(s.pools);
    data.fb.push(s.fallbacks);
    data.tps.push(s.tokensPerSecond);
    data.usd.push(s.savedCostUsd);
    data.mwh.push(s.savedEnergyMwh);
    if (data.t.length > MAX_POINTS) Object.keys(data).forEach(function (k) { data[k].shift(); });
    // The KPI is the mean over the last 10 samples: one interval alone is mostly 0 between requests.
    var recent = data.tps.slice(-10);
    $('k-tps').textContent = num(recent.reduce(function (a, b) { return a + b; }, 0) / recent.length, 1);
  }
  function setPill(id, text, cls) { var p = $(id); p.textContent = text; p.className = 'pill ' + cls; }
  function showStatus(policy, connectivity, localTps) {
    if (connectivity) {
      if (connectivity.state === 'no-upstream') setPill('link', 'link: no upstream configured', 'warn');
      else setPill('link', 'link: ' + connectivity.state, connectivity.state === 'online' ? 'ok' : connectivity.state === 'degraded' ? 'warn' : 'bad');
      setPill('breaker', 'breaker: ' + connectivity.breaker, connectivity.breaker === 'closed' ? 'ok' : connectivity.breaker === 'half-open' ? 'warn' : 'bad');
    }
    var el = $('policy');
    el.textContent = '';
    if (!policy) { el.textContent = 'Policy: none loaded'; return; }
    el.appendChild(document.createTextNode('Policy: '));
    var code = document.createElement('code'); code.textContent = policy.file; el.appendChild(code);
    el.appendChild(document.createTextNode(' · loaded ' + new Date(policy.loadedAt).toLocaleTimeString() + ' · last reload: '));
    var st = document.createElement('span');
    st.className = policy.lastError ? 'bad' : 'ok';
    st.textContent = policy.lastError ? 'failed — ' + policy.lastError + ' (previous policy still active)' : 'ok';
    el.appendChild(st);
    $('k-local-tps').textContent = 'local decode: ' + (localTps === null || localTps === undefined ? '–' : localTps.toFixed(1) + ' tok/s');
  }
  function showTotals(t) {
    $('k-requests').textContent = String(t.requests);
    $('k-failed').textContent = t.failed + ' failed';
    // Every target that served (local, cloud and a site's pools such as edge), local first.
    var byTarget = t.byTarget || {};
    var names = ['local', 'cloud'].concat(Object.keys(byTarget).filter(function (n) { return n !== 'local' && n !== 'cloud'; }).sort());
    var served = 0;
    names.forEach(function (n) { served += byTarget[n] || 0; });
    $('k-share').textContent = served === 0 ? '–' : Math.round((100 * t.local) / served) + '%';
    // The parts add up to Requests: who served it, or why nothing was served (yet).
    var split = names.filter(function (n) { return n === 'local' || n === 'cloud' || byTarget[n]; }).map(function (n) { return (byTarget[n] || 0) + ' ' + n; });
    if (t.deferred) split.push(t.deferred + ' deferred');
    var unserved = t.requests - served - t.deferred - t.dryRuns;
    if (unserved) split.push(unserved + ' failed');
    if (t.dryRuns) split.push(t.dryRuns + ' dry runs');
    $('k-split').textContent = split.join(' · ');
    $('k-fallbacks').textContent = String(t.fallbacks);
    $('k-fallback-rate').textContent = t.requests === 0 ? '–' : ((100 * t.fallbacks) / t.requests).toFixed(1) + '% of requests';
    $('k-saved-usd').textContent = usd(t.savedCostUsd);
    $('k-spent-usd').textContent = 'spent upstream: ' + usd(t.cloudCostUsd);
    $('k-saved-mwh').textContent = mwh(t.savedEnergyMwh);
    $('k-spent-mwh').textContent = 'spent locally: ' + mwh(t.localEnergyMwh);
  }
  function cell(tr, text, cls) { var td = document.createElement('td'); if (cls) td.className = cls; td.textContent = text; tr.appendChild(td); return td; }
  function addRow(d, animate) {
    var body = $('decisions');
    var empty = body.querySelector('tr.empty');
    if (empty) body.removeChild(empty);
    var tr = document.createElement('tr');
    if (animate) tr.className = 'new';
    // Rows another replica answered (replicas sharing Redis) say which one.
    tr.title = (d.replica ? 'answered by replica ' + d.replica + ' · ' : '') + d.reasons.join(' · ');
    cell(tr, new Date(d.at).toLocaleTimeString());
    var served = cell(tr, '');
    var badge = document.createElement('span');
    // Nothing served: a deferred job (its completion arrives as a row of its own) or a dry run is not a failure.
    var label = d.servedBy || (d.endpoint === 'route' ? 'dry run' : d.status === 202 ? 'deferred' : 'none');
    badge.className = 'badge ' + label.replace(' ', '-');
    badge.textContent = label;
    served.appendChild(badge);
    if (d.replica) {
      var via = document.createElement('span');
      via.className = 'replica';
      via.textContent = 'via ' + d.replica;
      served.appendChild(via);
    }
    cell(tr, d.model);
    cell(tr, d.rule, 'rule');
    cell(tr, num(d.score, 2) + (d.task ? ' · ' + d.task : '') + (d.language && d.language !== 'en' && d.language !== 'und' ? ' · ' + d.language : ''));
    cell(tr, d.fallback ? d.fallback.cause + ' → ' + d.fallback.to : '—', d.fallback ? 'fallback' : '');
    cell(tr, String(d.status), d.status >= 400 ? 'err' : '');
    cell(tr, Math.round(d.latencyMs) + ' ms');
    cell(tr, (d.promptTokens === null ? '–' : d.promptTokens) + ' / ' + (d.completionTokens === null ? '–' : d.completionTokens));
    var tps = d.completionTokens && d.latencyMs > 0 ? d.completionTokens / (d.latencyMs / 1000) : null;
    cell(tr, num(tps, 1));
    var a = d.accounting;
    cell(tr, d.servedBy === 'local' ? mwh(a.localEnergyMwh) : d.servedBy === 'cloud' ? usd(a.cloudCostUsd) : '–');
    cell(tr, d.servedBy === 'local' ? usd(a.savedCostUsd) : d.servedBy === 'cloud' ? mwh(a.savedEnergyMwh) : '–');
    cell(tr, d.reasons.join('; '), 'reasons');
    body.insertBefore(tr, body.firstChild);
    rows++;
    while (body.children.length > MAX_ROWS) body.removeChild(body.lastChild);
    document.body.setAttribute('data-decisions', String(rows));
  }
  function showDevice(dev) {
    var m = $('energy-model');
    m.textContent = '';
    [['Device power', dev.activeWatts + ' W active / ' + dev.idleWatts + ' W idle'],
     ['Local energy', 'CPU time × (active − idle)'],
     ['Cloud cost', 'tokens × configured price'],
     ['Savings', 'counterfactual of the other side']].forEach(function (p) {
      var line = document.createElement('div');
      var b = document.createElement('b'); b.textContent = p[0] + ': ';
      line.appendChild(b); line.appendChild(document.createTextNode(p[1]));
      m.appendChild(line);
    });
  }
  function connect() {
    var es = new EventSource('/dashboard/events');
    es.addEventListener('open', function () { setPill('live', '● live', 'ok'); });
    es.addEventListener('error', function () { setPill('live', 'reconnecting…', 'off'); });
    es.addEventListener('state', function (e) {
      var s = JSON.parse(e.data);
      Object.keys(data).forEach(function (k) { data[k].length = 0; });
      s.samples.forEach(pushSample);
      $('decisions').textContent = '';
      rows = 0;
      s.decisions.slice(-MAX_ROWS).forEach(function (d) { addRow(d, false); });
      if (s.decisions.length === 0) $('decisions').innerHTML = '<tr class="empty"><td colspan="13">Waiting for requests…</td></tr>';
      showTotals(s.totals);
      showStatus(s.policy, s.connectivity, s.localTokensPerSecond);
      showDevice(s.device);
      redraw();
    });
    es.addEventListener('decision', function (e) {
      var ev = JSON.parse(e.data);
      addRow(ev.decision, true);
      showTotals(ev.totals);
    });
    es.addEventListener('sample', function (e) {
      var ev = JSON.parse(e.data);
      pushSample(ev.sample);
      showStatus(ev.policy, ev.connectivity, ev.localTokensPerSecond);
      redraw();
    });
  }
  setupCharts();
  connect();
})();
`;
