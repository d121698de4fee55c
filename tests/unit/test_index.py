import numpy as np

from desktop_app.core.index import VectorIndex


def unit(rng, n, d=16):
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_search_add_remove_update_save_load(tmp_path):
    rng = np.random.default_rng(0)
    vecs = unit(rng, 50)
    idx = VectorIndex(16, capacity=16)  # forces a resize
    idx.upsert(list(range(50)), [f"t{i}" for i in range(50)], vecs)
    labels, scores = idx.search(vecs[7], 3)
    assert labels[0] == 7 and abs(scores[0] - 1.0) < 1e-4
    idx.remove([7])
    labels, _ = idx.search(vecs[7], 3)
    assert 7 not in labels
    idx.upsert([7], ["t7 again"], vecs[8:9])  # a removed label comes back with a new vector
    labels, _ = idx.search(vecs[8], 2)
    assert set(labels) == {7, 8}
    idx.revision = 5
    idx.save(tmp_path / "i.bin")
    loaded = VectorIndex.load(tmp_path / "i.bin")
    assert loaded.revision == 5 and loaded.texts[7] == "t7 again" and len(loaded) == 50
    assert set(loaded.search(vecs[8], 2)[0]) == {7, 8}


def test_many_deletions_trigger_rebuild_and_k_larger_than_size():
    rng = np.random.default_rng(1)
    vecs = unit(rng, 300)
    idx = VectorIndex(16)
    idx.upsert(list(range(300)), ["x"] * 300, vecs)
    idx.remove(list(range(200)))
    assert len(idx.deleted) == 0  # rebuilt from stored vectors, no re-encoding
    labels, _ = idx.search(vecs[250], 1000)
    assert len(labels) == 100 and labels[0] == 250
    empty = VectorIndex(16)
    assert len(empty.search(vecs[0], 5)[0]) == 0
