/**
 * Cue words the feature extractor counts, grouped by what they say about a request. Words are matched
 * lowercased after light suffix stripping (plural -s/-es, -ed, -ing, -ly), phrases as exact word pairs or
 * triples. The lists are written by hand from general knowledge of what makes questions hard (formal math,
 * multi-step reasoning, code, specialist domains), not mined from the training data, so they carry over to
 * chat prompts and to subjects the scorer never saw.
 */
export type CueGroup =
  | 'math_terms'
  | 'compute_cues'
  | 'reasoning_cues'
  | 'proof_cues'
  | 'conditional'
  | 'negation'
  | 'code_terms'
  | 'constraints'
  | 'science_terms'
  | 'law_terms'
  | 'finance_terms'
  | 'medical_terms'
  | 'creative_cues'
  | 'puzzle_cues'
  | 'fact_cues'
  | 'depth_cues'
  | 'number_words';

const words = (text: string): string[] => text.trim().split(/\s+/);

export const CUE_LEXICON: Readonly<Record<CueGroup, readonly string[]>> = {
  math_terms: words(`equation equations integral integrate derivative differentiate polynomial matrix matrices
    eigenvalue eigenvector vector vectors theorem lemma prime factor factorial logarithm log exponent exponential
    probability probabilities variance deviation regression coefficient quadratic linear function functions
    sqrt sum product quotient remainder divisible modulo mod fraction fractions decimal ratio proportion
    geometry triangle angle radius diameter circle perimeter area volume hypotenuse sine cosine tangent
    limit series sequence converge diverge infinite finite group subgroup ring field homomorphism isomorphism
    permutation combination combinations binomial algebra algebraic calculus statistic statistics median mean
    hypothesis distribution random expected inequality inequalities integer integers rational irrational
    solution solutions variable variables graph slope intercept parabola symmetric orthogonal determinant
    digit divisor root vertex vertices coordinate midpoint equilateral axis interval inscribed congruent geometric
    arithmetic satisfy expression`),
  compute_cues: words(`calculate compute solve evaluate simplify estimate determine find how_many how_much
    total percent percentage average rate speed distance cost costs price profit earn spend left remaining
    per each twice half double triple times`),
  reasoning_cues: words(`why explain reason reasoning analyze analyse compare contrast justify implication
    implications cause consequence therefore thus hence because imply infer inference conclude conclusion
    argue argument assumption assumptions tradeoff trade-off critique evaluate_whether strategy plan
    design optimize optimal best_way pros cons`),
  proof_cues: words(`prove proof derive derivation show_that demonstrate_that rigorous rigorously step_by_step
    formally formal induction contradiction`),
  conditional: words(`if suppose supposing assume assuming given unless whether otherwise provided hypothetical
    would`),
  negation: words(`not no never except least false incorrect neither nor none cannot without unlikely`),
  code_terms: words(`code coding algorithm programming python javascript typescript java sql rust golang
    array arrays recursion recursive compile compiler runtime bug debug api implement implementation script
    regex database pointer struct boolean bytes big-o hash linked_list concurrency http json unit_test
    function_that function_to write_a_function a_function`),
  constraints: words(`must should exactly at_least at_most no_more_than no_less_than only ensure require
    required requirement requirements limit maximum minimum format json table bullet bullets words sentences
    paragraph paragraphs characters constraint constraints strictly always`),
  science_terms: words(`energy velocity acceleration momentum mass force gravity gravitational friction
    electron proton neutron photon quantum molecule molecules molar molarity reaction reactions oxidation
    acid base ph enthalpy entropy thermodynamic equilibrium kinetic potential charge voltage current
    resistance circuit capacitor magnetic wavelength frequency radiation nuclear isotope orbital bond
    catalyst concentration pressure temperature joule newton watt ohm atom atomic`),
  law_terms: words(`plaintiff defendant court statute statutory constitutional constitution contract tort
    liability liable negligence negligent jurisdiction appeal appellate prosecution prosecutor testimony
    evidence hearsay admissible inadmissible felony misdemeanor defendant's plaintiff's jury verdict
    ordinance amendment due_process breach damages injunction lawsuit sue sued trial precedent`),
  finance_terms: words(`tax taxes revenue depreciation interest asset assets liabilities equity dividend
    dividends inflation gdp monetary fiscal elasticity marginal demand supply investment portfolio
    accounting amortization audit auditor ledger balance_sheet cash_flow bond bonds yield`),
  medical_terms: words(`patient patients diagnosis diagnose symptom symptoms syndrome disease chronic acute
    dose dosage mg clinical therapy treatment medication infection tumor cardiac renal hepatic
    pathology physician examination`),
  creative_cues: words(`write_a compose_a poem haiku limerick sonnet lyrics short_story story_about blog_post
    tweet slogan essay pretend act_as roleplay role-play imagine_you brainstorm catchy rewrite rephrase
    persuasive_email travel_blog`),
  puzzle_cues: words(`riddle puzzle brainteaser brain_teaser trick_question truth-teller truth-tellers liar liars knight
    knights knave knaves always_lies deduce deduction syllogism premise premises logically_valid paradox must_be
    can_we_determine in_what_order exactly_one seating`),
  // Requests for long-tail specifics (lists of names, dates, records): where a 1–2B model's world knowledge runs
  // out even though the question looks simple.
  fact_cues: words(`list_all list_every list_the name_all name_every name_the which_teams played_for play_for plays_for
    discography filmography bibliography lineup roster members winners winner champions championship standings census
    population founded born died mayor governor minister chairman ceo premier season seasons album albums
    career timeline chronology biography endemic species hours tickets address award awarded medal medals
    elected tenure what_year which_year in_what_year`),
  // Asks for depth or breadth beyond a quick answer: a long, careful, expert response.
  depth_cues: words(`detailed comprehensive thorough thoroughly in-depth in_depth critically critique nuanced
    tradeoffs trade-offs failure_modes edge_cases fault-tolerant scalable architecture distributed consensus
    rigorous cite citing doctrine mechanism mechanisms pathophysiology differential systematically`),
  // Quantities written as words, which a word problem's steps work on as much as its digits ("twice as many",
  // "half of the rest", "three times"). Counted into math_numbers only; no weight of their own.
  number_words: words(`one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand
    thousands million millions dozen dozens half halves twice double triple thrice quadruple quarter quarters third
    thirds fifth fifths tenth tenths percent`),
};
