import type { Trainer } from './evaluate.js';
import { fitLogistic, logit, sigmoid } from './logistic.js';
import { penalties, RECIPE, trainRecipe } from './recipe.js';

/**
 * Recipes bench:routing compares with the shipped one on every check (exam CV, chat categories, word
 * problems), so the choice of what ships stays visible and reproducible.
 */
export const ALTERNATIVES: Readonly<Record<string, { trainer: Trainer; note: string }>> = {
  'label "needs strong" (strong right, weak wrong)': {
    note: 'the routing oracle as the label; fewer positives',
    trainer: (rows) => {
      const model = trainRecipe(rows, { ...RECIPE, target: 'needs_strong' });
      return (x) => logit(model, x);
    },
  },
  'expected gain: P(weak wrong) − P(strong wrong)': {
    note: 'two models; learns where GPT-4 fails too, which on MMLU (one-token answers, no reasoning) is hard math',
    trainer: (rows) => {
      const weak = trainRecipe(rows);
      const strong = fitLogistic(rows.map((r) => r.features), rows.map((r) => (r.strongCorrect ? 0 : 1)), penalties(rows));
      return (x) => sigmoid(logit(weak, x)) - sigmoid(logit(strong, x));
    },
  },
};
