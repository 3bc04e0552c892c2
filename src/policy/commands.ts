import type { CompileOptions } from './compile.js';
import type { CaseRunnerOptions } from './cases/run-cases.js';
import { runCases } from './cases/run-cases.js';
import { PolicyError } from './diagnostics.js';
import { displayPath, loadPolicyFile, readPolicyText } from './load.js';
import { YamlSource } from './yaml-source.js';

/** Where command output goes; the CLI passes process streams, tests pass arrays. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** `switchyard policy check FILE...`: compile each file; returns the exit code (1 when any has errors). */
export function checkPolicies(files: readonly string[], options: CompileOptions, io: Output): number {
  let failed = 0;
  let skipped = 0;
  for (const file of files) {
    // `policy check policies/*.yaml` also matches the cases files that sit next to the policies.
    if (/\.cases\.ya?ml$/i.test(file)) {
      skipped++;
      io.out(`${displayPath(file)}: skipped (a cases file: run it with \`switchyard policy test POLICY --cases ${displayPath(file)}\`)`);
      continue;
    }
    try {
      const policy = loadPolicyFile(file, options);
      io.out(`${policy.file}: ok (${policy.rules.length} rules, default ${policy.defaultAction.route})`);
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      // `policy check examples/site/*.yaml` also matches the site's targets file.
      if (isTargetsFile(file)) {
        skipped++;
        io.out(`${displayPath(file)}: skipped (a targets file: give it to the policies as \`--targets ${displayPath(file)}\`)`);
        continue;
      }
      failed++;
      for (const line of err.message.split('\n')) io.err(line);
    }
  }
  const checked = files.length - skipped;
  if (checked > 1) io.out(`${checked - failed} of ${checked} policy files ok`);
  return failed === 0 ? 0 : 1;
}

/** `switchyard policy test FILE --cases CASES`: one line per case, a summary, exit code 1 on any failure. */
export async function testPolicy(
  file: string,
  casesFile: string,
  options: CompileOptions & CaseRunnerOptions,
  io: Output,
): Promise<number> {
  try {
    const policy = loadPolicyFile(file, options);
    const results = await runCases(policy, readPolicyText(casesFile), displayPath(casesFile), options);
    for (const r of results) {
      const d = r.decision;
      const got = d === null ? 'undecided' : `${d.cascade ? 'cascade' : d.target} (${d.rule})`;
      if (r.passed) io.out(`pass  ${r.name} → ${got}`);
      else {
        io.out(`FAIL  ${r.name} → ${got}`);
        for (const m of r.mismatches) io.out(`        ${m}`);
        if (d !== null) io.out(`        because: ${d.reasons.join('; ')}`);
      }
    }
    const failed = results.filter((r) => !r.passed).length;
    io.out(`${results.length - failed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    for (const line of err.message.split('\n')) io.err(line);
    return 1;
  }
}

/** A file with top-level `targets:` and no `rules:` is a targets file (`serve --targets`), not a policy. */
function isTargetsFile(file: string): boolean {
  let text: string;
  try {
    text = readPolicyText(file);
  } catch (err) {
    if (err instanceof PolicyError) return false; // unreadable: the policy error already says so
    throw err;
  }
  const value = new YamlSource(text, file).value;
  return typeof value === 'object' && value !== null && 'targets' in value && !('rules' in value);
}
