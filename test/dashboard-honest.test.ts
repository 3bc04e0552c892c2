import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, createObservability } from '../src/observability/index.js';
import { DASHBOARD_HTML } from '../src/server/dashboard/page-html.js';
import { DASHBOARD_SCRIPT } from '../src/server/dashboard/page-script.js';
import { cloudRecord, decision, localRecord, snapshot } from './ops-fixtures.js';
import { startTestService, waitFor } from './helpers/service.js';

describe('the dashboard counts every request somewhere', () => {
  it('local + cloud + deferred + dry runs + failed add up to Requests', async () => {
    const obs = createObservability({
      sources: { signals: () => snapshot(), policyStatus: () => null },
      logger: createLogger({ level: 'silent' }),
      sampleIntervalMs: 60_000,
    });
    try {
      const observe = (record: Parameters<typeof obs.observer.onRequest>[0]): void => obs.observer.onRequest(record);
      observe(localRecord());
      observe(cloudRecord());
      observe(localRecord({ status: 202, servedBy: null, servedModel: null, decision: decision({ target: 'cloud' }) }));
      observe(localRecord({ endpoint: 'route', servedBy: null, servedModel: null }));
      observe(localRecord({ status: 503, servedBy: null, servedModel: null, errorKind: 'unavailable' }));
      const t = obs.feed.state().totals;
      expect(t).toMatchObject({ requests: 5, local: 1, cloud: 1, deferred: 1, dryRuns: 1, failed: 1 });
      expect(t.local + t.cloud + t.deferred + t.dryRuns + t.failed).toBe(t.requests);
    } finally {
      await obs.close();
    }
  });

  it('the page labels deferred and dry-run rows as such (not a red "none") and has a reasons column', () => {
    expect(DASHBOARD_SCRIPT).toContain("d.status === 202 ? 'deferred'");
    expect(DASHBOARD_SCRIPT).toContain("cell(tr, d.reasons.join('; '), 'reasons')");
    expect(DASHBOARD_HTML).toContain('<th>Reasons</th>');
  });
});

describe("a deferred request's completion", () => {
  it('appears among the decisions when the job runs, served by the cloud', async () => {
    const t = await startTestService({ dataDir: mkdtempSync(join(tmpdir(), 'sy-dash-defer-')), breakerThreshold: 1 });
    try {
      await t.fake.refuse();
      await t.client.chat.completions.create({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined); // the link is found dead
      const res = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-switchyard-defer': '1' },
        body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'summarise the report' }] }),
      });
      expect(res.status).toBe(202);
      const job = (await res.json()) as { id: string };
      await t.fake.accept();
      t.service.breaker.linkReachable(true);
      t.service.deferred?.kick();
      await waitFor(() => t.service.deferred?.get(job.id)?.status === 'completed', 8_000);
      const rows = t.service.observability.feed.state().decisions;
      expect(rows.find((d) => d.status === 202)).toBeDefined();
      expect(rows.at(-1)).toMatchObject({ rule: 'deferred', servedBy: 'cloud', status: 200 });
    } finally {
      await t.close();
    }
  });
});
