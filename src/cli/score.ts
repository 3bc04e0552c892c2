import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import { loadScorer } from '../scoring/load-scorer.js';
import { quantiles, thresholdForShare } from '../scoring/model-card.js';
import { parseScoreInput } from '../scoring/score-input.js';

interface ScoreOptions {
  input?: string;
  json?: boolean;
  calibrate?: boolean;
  cloudShare?: string;
  model?: string;
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('Score prompts for complexity: a prompt given as text, or JSONL with "prompt" or "messages" per line → one score per line, in order')
    .argument('[prompt...]', 'the prompt to score (instead of --input or stdin)')
    .option('-i, --input <file>', 'JSONL file, or plain text as one prompt (default: stdin)')
    .option('--json', 'print {"score","tier","task","language","reasons"} per line instead of the bare score')
    .option('--calibrate', 'print the score threshold that sends --cloud-share of these prompts to the cloud')
    .option('--cloud-share <share>', 'share of prompts to send to the cloud, 0..1 (with --calibrate)')
    .option('--model <path>', 'scorer .onnx file (default: the bundled models/scorer/scorer.onnx)')
    .action(async (words: string[], options: ScoreOptions) => {
      try {
        await runScore(words.length === 0 ? undefined : words.join(' '), options);
      } catch (error) {
        process.stderr.write(`switchyard score: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}

async function runScore(prompt: string | undefined, options: ScoreOptions): Promise<void> {
  const share = options.cloudShare === undefined ? undefined : Number(options.cloudShare);
  if (options.calibrate && (share === undefined || !(share >= 0 && share <= 1))) {
    throw new Error('--calibrate needs --cloud-share between 0 and 1 (e.g. --cloud-share 0.3)');
  }
  if (prompt !== undefined && options.input !== undefined) throw new Error('give either a prompt or --input, not both');
  if (prompt === undefined && options.input === undefined && process.stdin.isTTY === true) {
    // Nothing piped in: waiting on the terminal would look like a hang.
    throw new Error('nothing to score: give a prompt (switchyard score "What is 2+2?"), --input FILE, or pipe text or JSONL in');
  }
  const source = options.input ?? 'stdin';
  const raw = prompt ?? (options.input === undefined ? await text(process.stdin) : readFileSync(options.input, 'utf8'));
  // An empty prompt has no task and no demand: a score for it would be a number about nothing.
  if (raw.trim() === '') throw new Error(`nothing to score: ${prompt !== undefined ? 'the prompt is empty' : `${source} is empty`}`);
  const requests = prompt !== undefined || !looksLikeJsonl(raw) ? [[{ role: 'user' as const, content: raw.trim() }]] : parseScoreInput(raw, source); // every line is validated before anything is printed
  const scorer = await loadScorer(options.model === undefined ? {} : { modelPath: options.model });
  try {
    const scores: number[] = [];
    for (const messages of requests) {
      const result = await scorer.score(messages);
      scores.push(result.score);
      if (options.calibrate) continue;
      process.stdout.write(options.json ? `${JSON.stringify({ ...result, score: round4(result.score) })}\n` : `${result.score.toFixed(4)}\n`);
    }
    if (options.calibrate && share !== undefined) {
      if (scores.length === 0) throw new Error(`${source}: no prompts to calibrate on`);
      process.stdout.write(`${thresholdForShare(quantiles(scores), share).toFixed(6)}\n`);
    }
  } finally {
    await scorer.close();
  }
}

/** JSONL starts with an object; anything else (a question typed or piped in) is one plain-text prompt. */
const looksLikeJsonl = (raw: string): boolean => raw.trimStart().startsWith('{');

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;
