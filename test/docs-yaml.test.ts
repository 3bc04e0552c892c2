import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnergyConfigSchema } from '../src/observability/energy-config.js';
import { runCases } from '../src/policy/cases/run-cases.js';
import { checkPolicies } from '../src/policy/commands.js';
import { defaultPolicyPath, loadPolicyFile } from '../src/policy/load.js';
import { compileTargets, loadTargetsFile, targetNames } from '../src/routing/targets-file/compile.js';
import { loadScorer, type Scorer } from '../src/scoring/index.js';
import { parseOverride } from '../src/signals/override.js';

/** Every ```yaml block in the README and the docs, with where it is and the `## ` section it sits in. */
function yamlSnippets(): Array<{ where: string; text: string; section: string }> {
  const files = [
    'README.md',
    'policies/README.md',
    ...readdirSync('docs')
      .filter((f) => f.endsWith('.md'))
      .map((f) => join('docs', f)),
  ];
  return files.flatMap((file) => {
    const markdown = readFileSync(file, 'utf8');
    return [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => {
      const before = markdown.slice(0, m.index);
      return {
        where: `${file}:${before.split('\n').length}`,
        text: m[1] ?? '',
        section: [...before.matchAll(/^## (.+)$/gm)].at(-1)?.[1] ?? '',
      };
    });
  });
}

/** Policies shown under "Running a site" route to the example site's targets (examples/site/targets.yaml). */
const SITE_SECTION = 'Running a site';
const siteTargets = (): string[] => targetNames(loadTargetsFile('examples/site/targets.yaml', { hasCloud: true, checkKeys: false }));

/** Formats that belong to other tools (a Prometheus scrape config): shown, not Switchyard's to check. */
const FOREIGN_KEYS = ['scrape_configs'];

describe('YAML in the README and docs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-docs-yaml-'));
  let scorer: Scorer;
  beforeAll(async () => {
    scorer = await loadScorer();
  });
  afterAll(() => scorer.close());

  it.each(yamlSnippets())('$where is valid for what it shows', async ({ where, text, section }) => {
    const value = parse(text) as Record<string, unknown>;
    if ('targets' in value) {
      compileTargets(text, where, { hasCloud: true, checkKeys: false });
    } else if ('rules' in value) {
      const file = join(dir, `${where.replace(/[/:]/g, '_')}.yaml`);
      writeFileSync(file, text);
      const errors: string[] = [];
      const code = checkPolicies(
        [file],
        {
          thresholdForCloudShare: (share) => scorer.thresholdForCloudShare(share),
          ...(section === SITE_SECTION ? { targets: siteTargets() } : {}),
        },
        { out: () => undefined, err: (line) => errors.push(line) },
      );
      expect(errors, `${where} fails \`switchyard policy check\``).toEqual([]);
      expect(code).toBe(0);
    } else if ('cases' in value) {
      // The cases' expectations belong to the policy they were written for; the file itself must parse.
      await runCases(loadPolicyFile(defaultPolicyPath), text, where, { score: (messages) => scorer.score(messages) });
    } else if ('device' in value || 'prices' in value) {
      EnergyConfigSchema.parse(value);
    } else if (FOREIGN_KEYS.some((key) => key in value)) {
      return;
    } else {
      // Anything else shown as YAML is a signals override (`--signals FILE`).
      parseOverride(value, where);
    }
  });
});
