"""Weights and thresholds fitted on the tune halves only (bench/fit.py writes
the numbers; docs/BENCHMARKS.md reports the test halves they were not fitted on).

Tune halves: SQuAD-it articles and golden questions listed as "tune" in
evaluation/data/splits.json.
"""

# BM25's weight against dense scores after z-scoring both (rag/lexical.py):
# for questions in the articles' language, and for the others.
LEXICAL_WEIGHT = 0.8
CROSS_LEXICAL_WEIGHT = 0.2

# The dense z-score a chunk without vectors yet (a keyword-only article) is
# given in the fusion: intercept + slope * its BM25 z-score, the least-squares
# line of true dense z-scores on BM25 z-scores over the tune questions' BM25
# candidates (bench/fit_fusion.py), pooled by language pair.
STAND_IN = (-1.729, 1.111)  # 71,000 same-language candidates, r 0.46
CROSS_STAND_IN = (-4.110, 0.463)  # 3,823 cross-language candidates, r 0.14

# Logistic model of "this sentence holds the answer", over rag/features.FEATURES.
ANSWER_WEIGHTS = (7.804, 11.749, 3.328, 0.177, 3.278, 0.467, -0.862, 0.449)
ANSWER_BIAS = -12.117
# A runner-up joins the answer when its score is within this margin of the best.
ANSWER_MARGIN = 2.0
# A name of the question that only maybe matches a corpus name (rag/vocabulary.py)
# is taken for something else unless that corpus name stands out by this much.
# Chosen from 0, 0.05, 0.1, 0.15, 0.2 with the answerability model refitted for
# each: the mildest within one standard error of the best (refused tune
# negatives minus refused tune positives: 0.843 at 0, 0.861 at 0.1, 0.863 at 0.15).
NAME_STANDOUT = 0.1
# A word of the question no article spells counts as known when its nearest
# corpus spelling is this close (normalised Levenshtein, rag/vocabulary.py):
# "Zelenski", "Melloni". Chosen from 1.0 (forgive nothing), 0.9, 0.85, 0.8,
# 0.75, 0.7 with the answerability model refitted for each, measured on the
# tune questions and on the same questions with one typing error: the mildest
# within one standard error of the best J. At 0.8, misspelt tune questions
# refused 19.2% -> 5.4%, off-corpus tune questions refused 87.0% -> 87.3%.
SPELLING = 0.8

# Log-odds that the question is answerable at all, over (best sentence's
# score, its cosine, its word overlap, names the corpus only maybe mentions,
# share of the question's words no article uses, cross-language). Fitted on
# tune questions asked of their own corpus (answerable) and of the other one
# (not); the bias is shifted to the 2nd percentile of the answerable tune
# questions' log-odds in the language where that is lowest. With the name and
# spelling rules, on tune: 87.3% of the off-corpus questions refused; false
# abstention English 1 of 17, Italian 0.7%.
ANSWERABLE_WEIGHTS = (2.42, 2.785, -0.666, -0.544, -6.584, -1.527)
ANSWERABLE_BIAS = 5.299

# Second-stage reranker over the top fused passages (rag/answering/rerank.py),
# one weight per rerank.FEATURES, fitted by bench/fit_rerank.py. Empty: off
# (not fitted yet: the fusion order is kept).
RERANK_WEIGHTS: tuple[float, ...] = ()

# Minimum cross-lingual E5 cosine between a cited sentence and its rendering
# before the rendering is shown. Fitted by bench/bench_renderings.py on the odd
# paragraphs of the it-en-parallel dev half (a sentence with its own English
# original against one with a sibling sentence's); on the even paragraphs it
# withheld 0 of 25 originals and passed 2.3% of sibling sentences.
RENDERING_BAR = 0.87
