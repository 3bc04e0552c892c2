import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../src/paths.js';
import { compilePolicy } from '../src/policy/index.js';
import { decide } from '../src/routing/decide.js';
import { loadScorer, type Scorer } from '../src/scoring/index.js';
import { input } from './fixtures/policy/input.js';
import { startTestService, type TestService } from './helpers/service.js';

const user = (content: string) => [{ role: 'user' as const, content }];
let scorer: Scorer;

beforeAll(async () => {
  scorer = await loadScorer();
});
afterAll(async () => {
  await scorer.close();
});

describe('requests in other languages', () => {
  it('names the language, and "und" when a request is too short to tell', async () => {
    // Written for this test; none is a training request.
    const cases: Array<[string, string]> = [
      ['Peux-tu me conseiller un bon livre pour les vacances ?', 'fr'],
      ['Wie lange muss ich ein Ei kochen, damit es wachsweich ist?', 'de'],
      ['帮我把这段话翻译成英文：明天的会议改到下午三点。', 'zh'],
      ['明日の天気を教えてください。', 'ja'],
      ['Как приготовить борщ без свёклы?', 'ru'],
      ['Write a haiku about the first snow', 'en'],
      // Formulas are not read as a language: this was Italian to fastText before letters were kept alone; what
      // is left ("x x solve for x") is too few words to tell.
      ['x^2 + 3x - 4 = 0, solve for x', 'und'],
      ['2+2', 'und'],
      ['ok', 'und'],
    ];
    for (const [prompt, language] of cases) expect((await scorer.score(user(prompt))).language, prompt).toBe(language);
  });

  it('names whole sentences a trial found undetermined, and keeps short English notes and code out of it', async () => {
    // A product trial (a note-taking app's developer) found these `und` under a flat 0.7 cut, so an English-only
    // device answered them, while two-word English notes passed for Spanish.
    const cases: Array<[string, string[]]> = [
      ['¿Cuál es la capital de Australia?', ['es']],
      ['今天天气怎么样', ['zh']],
      ['帮我总结一下这篇笔记', ['zh']],
      ['添加牛奶到清单', ['zh']], // fastText has no guess for it: the script decides
      ['Pourquoi ce code ne marche pas ? `for i in range(10): print(i`', ['fr']],
      ['Explique-moi ce que fait ce code :\n```python\nfor i in range(3):\n    print(i)\n```', ['fr']],
      ['todo: fix bug', ['en', 'und']],
      ['Buy pão de queijo', ['en', 'und']],
      ['convert 72 fahrenheit to celsius', ['en', 'und']],
      // English with French loanwords is fr 0.72 to fastText, with English at 0.19: not sure enough.
      ['Remind me to buy croissants and café au lait', ['en', 'und']],
    ];
    for (const [prompt, languages] of cases) expect(languages, prompt).toContain((await scorer.score(user(prompt))).language);
  });

  it('reads the language of the turn being answered, not of a long first turn', async () => {
    // A re-check trial: a 335-character English first turn filled the characters read, so the French follow-up
    // was answered by an English-only device.
    const first = 'Here are my meeting notes from this morning: we agreed to move the product launch to the second week of June, '
      + 'Sarah will own the press kit, Tom will update the pricing page and the FAQ, and we still need a decision on the '
      + 'regional rollout order. Please turn this into a short list of action items with owners and dates where we have them.';
    const messages = [
      { role: 'user' as const, content: first },
      { role: 'assistant' as const, content: '- Move the launch to the second week of June (all)\n- Press kit: Sarah\n- Pricing page and FAQ: Tom' },
      { role: 'user' as const, content: "Maintenant, réécris cette liste en français, s'il te plaît, avec les mêmes responsables." },
    ];
    expect(first.length).toBeGreaterThan(300);
    expect((await scorer.score(messages)).language).toBe('fr');
    // A short follow-up says little; the earlier turns decide.
    expect((await scorer.score([...messages.slice(0, 2), { role: 'user' as const, content: 'ok, thanks' }])).language).toBe('en');
  });

  it('names the task of requests in other languages, which used to read as coding or analysis', async () => {
    // Before, a Chinese request had no words the classifier could read (Han characters were not letters), so
    // every one got the classifier's prior: "coding 0.29". Written for this test, not training requests.
    const cases: Array<[string, string]> = [
      ['请帮我写一封邮件给老师，说孩子明天发烧请假一天。', 'writing'],
      ['用JavaScript写一个函数，把数组里的重复元素去掉。', 'coding'],
      ['Écris un petit poème sur les feuilles d\'automne.', 'creative'],
      ['Bonjour ! Comment ça va aujourd\'hui ?', 'chat'],
      ['Resuelve la ecuación 3x + 7 = 22 y explica cada paso.', 'math'],
      ['Fasse diesen Text in zwei Sätzen zusammen: Die Stadt plant, die Buslinie 12 ab Mai bis zum Bahnhof zu verlängern. Die Kosten von 2 Millionen Euro trägt zur Hälfte das Land.', 'summarize'],
    ];
    for (const [prompt, task] of cases) expect((await scorer.score(user(prompt))).task, prompt).toBe(task);
  });

  it('on 120 held-out requests in ten languages, names the task and ranks hard above easy far better than before', async () => {
    // multilingual-holdout.jsonl: written apart from the training requests, never trained or tuned on. Before the
    // scorer read other scripts: task right 0.133 of the time, hard above easy AUC 0.683 (length alone 0.811).
    const items = readFileSync(fromPackageRoot('test', 'fixtures', 'scoring', 'multilingual-holdout.jsonl'), 'utf8')
      .trim().split('\n').map((l) => JSON.parse(l) as { lang: string; task: string; level: 'easy' | 'hard'; prompt: string });
    const scored = await Promise.all(items.map(async (i) => ({ ...i, result: await scorer.score(user(i.prompt)) })));
    expect(scored.filter((s) => s.result.task === s.task).length / items.length).toBeGreaterThanOrEqual(0.45);
    let above = 0, pairs = 0;
    for (const h of scored) if (h.level === 'hard') for (const e of scored) if (e.level === 'easy') {
      pairs += 1;
      above += h.result.score > e.result.score ? 1 : 0;
    }
    expect(above / pairs).toBeGreaterThanOrEqual(0.8);
    expect(scored.filter((s) => s.result.language === s.lang).length).toBeGreaterThanOrEqual(110);
  });

  it('reads none of the hand-written English requests as another language', async () => {
    // Short English with a foreign name or a formula used to pass for Polish, Spanish or German at 0.5–0.66.
    const files = ['everyday-a.jsonl', 'everyday-b.jsonl', 'everyday-c.jsonl', 'knowledge-pairs-holdout.jsonl', 'tasks-holdout.jsonl', 'obvious-pairs-holdout.jsonl'];
    const prompts = files.flatMap((f) => readFileSync(fromPackageRoot('test', 'fixtures', 'scoring', f), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { prompt: string }).prompt));
    const results = await Promise.all(prompts.map(async (p) => ({ p, language: (await scorer.score(user(p))).language })));
    expect(results.filter((r) => r.language !== 'en' && r.language !== 'und')).toEqual([]);
  });

  it('scores a request in another language above the same request in English', async () => {
    // A 1–2B model trails a large one further outside English; the same task, the same size.
    const pairs: Array<[string, string]> = [
      ['Write a short poem about the sea.', 'Écris un court poème sur la mer.'],
      ['Write an email to my landlord saying the drain is blocked.', '给房东写一封邮件，说下水道堵了。'],
    ];
    for (const [english, other] of pairs) {
      const [a, b] = await Promise.all([scorer.score(user(english)), scorer.score(user(other))]);
      expect(b.task, other).toBe(a.task);
      expect(b.score, other).toBeGreaterThan(a.score);
      expect(b.reasons.map((r) => r.feature)).toContain('non_english');
    }
  });
});

describe('the language condition', () => {
  const policy = compilePolicy('version: 1\nrules:\n  - name: other-language\n    when: { not: { language: [en, und] } }\n    route: cloud\ndefault: { route: local }\n', 'inline.yaml');
  const score = { score: 0.1, tier: 'low' as const, task: null, reasons: [] };

  it('matches the scorer\'s language and says which in the reasons', () => {
    expect(decide(input({ score: { ...score, language: 'de' } }), policy)).toMatchObject({ target: 'cloud', rule: 'other-language', language: 'de', reasons: ['the request is in German (de), not (language en or und)'] });
    expect(decide(input({ score: { ...score, language: 'en' } }), policy)).toMatchObject({ target: 'local', language: 'en' });
    expect(decide(input({ score: { ...score, language: 'und' } }), policy)).toMatchObject({
      target: 'local',
      reasons: ['no rule matched (language und, complexity 0.1, low); default route local'],
    });
  });

  it('rejects a language the scorer never names, suggesting the code meant', () => {
    const text = (value: string) => `version: 1\nrules:\n  - name: x\n    when: { language: ${value} }\n    route: cloud\ndefault: { route: local }\n`;
    // A product trial wrote country codes and names; each was accepted and could never match.
    expect(() => compilePolicy(text('[fr, es, cn]'), 'lang.yaml')).toThrow(/lang\.yaml:4:32 rules\[0\]\.when\.language\[2\]: "cn" is not a language the scorer names \(did you mean "zh"\?\)/);
    expect(() => compilePolicy(text('english'), 'lang.yaml')).toThrow(/"english" is not a language the scorer names \(did you mean "en"\?\)/);
    expect(() => compilePolicy(text('pt-BR'), 'lang.yaml')).toThrow(/"pt-BR" is not a language the scorer names \(did you mean "pt"\?\)/);
    expect(() => compilePolicy(text('[EN]'), 'lang.yaml')).toThrow(/did you mean "en"/);
    expect(() => compilePolicy(text('zz'), 'lang.yaml')).toThrow(/"zz" is not a language the scorer names; use ISO 639-1 codes/);
    expect(() => compilePolicy(text('[en, und, ceb]'), 'lang.yaml')).not.toThrow();
  });
});

describe('the language in what the service reports', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ upstream: { chunkDelayMs: 0 }, policyFile: fromPackageRoot('policies', 'english-model.yaml') });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends a German request to the cloud by the english-model policy, saying so in headers, body and the dry run', async () => {
    const messages = user('Kannst du mir ein einfaches Rezept für Pfannkuchen geben?');
    const { data, response } = await t.client.chat.completions.create({ model: 'auto', messages }).withResponse();
    expect(response.headers.get('x-switchyard-language')).toBe('de');
    expect(response.headers.get('x-switchyard-rule')).toBe('other-language');
    expect((data as unknown as { switchyard: Record<string, unknown> }).switchyard).toMatchObject({ language: 'de', target: 'cloud' });
    const dry = await fetch(`${t.url}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages }) });
    expect(await dry.json()).toMatchObject({ object: 'switchyard.decision', language: 'de', rule: 'other-language' });
  });

  it('does not send an English request away for its language', async () => {
    const { response } = await t.client.chat.completions.create({ model: 'auto', messages: user('Give me a simple pancake recipe.') }).withResponse();
    expect(response.headers.get('x-switchyard-language')).toBe('en');
    // This service has no local model, so the request goes out by the next rule: the window it does not fit.
    expect(response.headers.get('x-switchyard-rule')).toBe('too-long-for-local');
  });
});
