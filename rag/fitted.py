"""Weights and thresholds fitted on the tune halves only (bench/fit.py writes
the numbers; docs/BENCHMARKS.md reports the test halves they were not fitted on).

Tune halves: SQuAD-it articles and golden questions listed as "tune" in
rag/eval/splits.json.
"""

# BM25's weight against dense scores after z-scoring both (rag/lexical.py):
# for questions in the articles' language, and for the others.
LEXICAL_WEIGHT = 0.8
CROSS_LEXICAL_WEIGHT = 0.2

# Logistic model of "this sentence holds the answer", over rag/features.FEATURES.
ANSWER_WEIGHTS = (7.768, 11.879, 3.353, 0.129, 3.298, 0.464, -0.993, 0.443)
ANSWER_BIAS = -12.077
# A runner-up joins the answer when its score is within this margin of the best.
ANSWER_MARGIN = 2.0
# Log-odds that the question is answerable at all, over (best sentence's
# score, its cosine, its word overlap, names the corpus only maybe mentions,
# share of the question's words no article uses, cross-language). Fitted on
# tune questions asked of their own corpus (answerable) and of the other one
# (not); the bias is shifted so that at most 2% of answerable tune questions
# in each language are refused at RAG_ABSTAIN_THRESHOLD=0.
ANSWERABLE_WEIGHTS = (2.739, 2.764, -1.09, -0.993, -5.73, -1.493)
ANSWERABLE_BIAS = 6.031

# A model's answer sentence is "supported" when its cosine with a cited
# sentence reaches this, per embedder (E5's cosines sit higher than USE's).
SUPPORT_THRESHOLD = {"use-multilingual": 0.45, "e5-small": 0.85, "default": 0.45}
