// A fake upstream in its own process for benchmarks; prints its URL on stdout.
import { FakeUpstream } from '../../test/helpers/fake-upstream.js';

const fake = await new FakeUpstream({ reply: () => 'The quick brown fox jumps over the lazy dog.' }).start();
process.stdout.write(`${fake.url}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
