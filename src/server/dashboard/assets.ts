import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DASHBOARD_HTML } from './page-html.js';
import { DASHBOARD_SCRIPT } from './page-script.js';
import { DASHBOARD_STYLE } from './page-style.js';

export interface Asset {
  contentType: string;
  body: string;
}

/**
 * Every file the dashboard page loads, keyed by URL path under /dashboard/. The page's own files are
 * TypeScript string modules (so they ship inside dist/); uPlot comes from its npm package, never a CDN.
 */
export function loadDashboardAssets(): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  const uplotJs = require.resolve('uplot/dist/uPlot.iife.min.js');
  const uplotCss = require.resolve('uplot/dist/uPlot.min.css');
  return new Map<string, Asset>([
    ['', { contentType: 'text/html; charset=utf-8', body: DASHBOARD_HTML }],
    ['app.js', { contentType: 'text/javascript; charset=utf-8', body: DASHBOARD_SCRIPT }],
    ['app.css', { contentType: 'text/css; charset=utf-8', body: DASHBOARD_STYLE }],
    ['vendor/uPlot.iife.min.js', { contentType: 'text/javascript; charset=utf-8', body: readFileSync(uplotJs, 'utf8') }],
    ['vendor/uPlot.min.css', { contentType: 'text/css; charset=utf-8', body: readFileSync(uplotCss, 'utf8') }],
  ]);
}
