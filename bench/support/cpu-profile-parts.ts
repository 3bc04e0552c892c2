// Where a process's CPU went, by part of the request path: a V8 `.cpuprofile` (node --cpu-prof) whose samples are
// each charged to the innermost stack frame that belongs to a named part. Idle samples are left out.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The parts, innermost first: a sample in node's HTTP code called by the SDK counts for the SDK. */
const PARTS: [string, (url: string) => boolean][] = [
  ['start-up (module loading)', (u) => u.startsWith('node:internal/modules') || u.includes('/tsx/')],
  ['scorer (features + ONNX)', (u) => u.includes('/src/scoring/') || u.includes('/onnxruntime-')],
  ['recording (metrics, event feed, log)', (u) => u.includes('/src/observability/') || u.includes('/prom-client/') || u.includes('/pino')],
  ['request validation (zod)', (u) => u.includes('/zod/') || u.includes('/src/server/chat-request')],
  ['openai SDK', (u) => u.includes('/node_modules/openai/')],
  ['keep-alive fetch + node HTTP client', (u) => u.includes('/src/backends/upstream/')],
  ['routing: decide, policy, dispatch', (u) => u.includes('/src/routing/') || u.includes('/src/policy/')],
  ['responders (body, headers, SSE)', (u) => u.includes('/src/server/')],
  ['express JSON body parser', (u) => u.includes('/body-parser/') || u.includes('/raw-body/')],
  ['express routing', (u) => u.includes('/node_modules/express/') || u.includes('/node_modules/router/')],
];
const NATIVE: Record<string, string> = {
  '(garbage collector)': 'garbage collection',
  '(program)': 'V8/native (unattributed)',
  writev: 'socket writes (writev)',
};

/** Share of busy samples per part, largest first. */
export function cpuByPart(file: string): [string, number][] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const leaf = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (leaf === undefined || leaf.callFrame.functionName === '(idle)') return;
    const part = (Object.hasOwn(NATIVE, leaf.callFrame.functionName) ? NATIVE[leaf.callFrame.functionName] : undefined) ?? partOf(id, byId, parent);
    totals.set(part, (totals.get(part) ?? 0) + dt);
    busy += dt;
  });
  return [...totals].map(([part, t]): [string, number] => [part, t / busy]).sort((a, b) => b[1] - a[1]);
}

function partOf(id: number, byId: Map<number, ProfileNode>, parent: Map<number, number>): string {
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur)?.callFrame.url ?? '';
    for (const [part, matches] of PARTS) if (matches(url)) return part;
  }
  return 'node internals (HTTP server, streams, events)';
}
