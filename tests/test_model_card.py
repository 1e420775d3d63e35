"""The model card: its numbers are the manifest's, and a missing or odd entry gets words, not a crash."""

import copy

import pytest

from explorer import model_card, zoo
from explorer.data import digits

MANIFEST = zoo.read_manifest()


def entry(name: str) -> dict:
    return MANIFEST["models"][f"{name}-mnist-5k"]


@pytest.mark.parametrize("name", zoo.NAMES)
def test_card_carries_the_manifests_numbers(name):
    e = entry(name)
    text = model_card.card(name, MANIFEST).text()
    assert text.startswith(f"About this model: {e['about']}")
    assert f"{e['epochs']} epochs" in text and f"{e['train_seconds']:.0f} s" in text
    assert f"batch {e['recipe']['batch']}" in text
    m = e["metrics"]
    expected = {
        "neg_elbo": f"{m.get('neg_elbo', 0):.1f} nats", "reconstruction": f"{m.get('reconstruction', 0):.1f}",
        "psnr_denoised": f"{m.get('psnr_denoised', 0):.1f} dB", "psnr_noisy": f"input {m.get('psnr_noisy', 0):.1f} dB",
        "psnr_filter": f"{m.get('psnr_filter', 0):.1f} dB (higher", "hole_mse": f"MSE {m.get('hole_mse', 0):.3f}",
        "hole_mse_mean_fill": f"mean-fill {m.get('hole_mse_mean_fill', 0):.3f}",
        "accuracy": f"{m.get('accuracy', 0):.1%}", "kl": f"KL {m.get('kl', 0):.1f}",
    }
    for key in m:
        assert expected[key] in text, (key, text)


def test_card_states_the_split_the_data_module_uses():
    train, test = len(digits("mnist-5k", "train")[0]), len(digits("mnist-5k", "test")[0])
    text = model_card.card("vae", MANIFEST).text()
    assert f"the {train:,} training digits of the {train + test:,}" in text
    assert f"the other {test:,}" in text


def test_card_names_the_baseline_filter_and_weights():
    text = model_card.card("denoiser", MANIFEST).text()
    assert f"({entry('denoiser')['baselines']['filter']})" in text
    n = model_card.parameters("Restorer", entry("denoiser")["hparams"])
    assert f"{n:,} weights" in text
    restorer = zoo.load("denoiser").restorer
    assert n == sum(p.numel() for p in restorer.parameters())


def test_card_follows_a_changed_manifest():
    changed = copy.deepcopy(MANIFEST)
    changed["models"]["classifier-mnist-5k"]["metrics"]["accuracy"] = 0.5
    changed["models"]["classifier-mnist-5k"]["epochs"] = 99
    text = model_card.card("classifier", changed).text()
    assert "50.0%" in text and "99 epochs" in text


def test_missing_or_broken_entries_are_words():
    empty = model_card.card("vae", {"models": {}})
    assert "no record" in empty.text()
    broken = copy.deepcopy(MANIFEST)
    del broken["models"]["vae-mnist-5k"]["metrics"]["kl"]
    assert "incomplete" in model_card.card("vae", broken).text()
    odd = copy.deepcopy(MANIFEST)
    odd["models"]["vae-mnist-5k"]["hparams"] = {"colour": "blue"}
    assert "Architecture" in model_card.card("vae", odd).text()  # no weight count, still a card


def test_the_checkpoint_line_is_the_files_record_or_why_it_cannot_be_used():
    e = entry("classifier")
    text = model_card.card("classifier", MANIFEST, problem=None).text()
    assert f"Checkpoint: {e['file']} ({e['bytes'] / 1e3:.0f} kB, sha256 {e['sha256'][:12]}…" in text
    assert f"torch {e['torch']}" in text and "matches the manifest" in text
    broken = model_card.card("classifier", MANIFEST, problem="classifier-mnist-5k.pt is missing").text()
    assert "cannot be used — classifier-mnist-5k.pt is missing" in broken and "matches" not in broken
    assert f"{e['metrics']['accuracy']:.1%}" in broken  # still the record, said to be only a record


def test_one_epoch_is_singular():
    one = copy.deepcopy(MANIFEST)
    one["models"]["classifier-mnist-5k"]["epochs"] = 1
    assert "Training: 1 epoch of Adam" in model_card.card("classifier", one).text()


@pytest.mark.parametrize("manifest", [[], {"models": []}, {"models": {"vae-mnist-5k": "x"}}, {}])
def test_a_manifest_of_the_wrong_shape_is_words(manifest):
    assert "no record" in model_card.card("vae", manifest).text()


def test_an_entry_with_fields_of_the_wrong_type_is_words():
    odd = copy.deepcopy(MANIFEST)
    odd["models"]["vae-mnist-5k"]["recipe"] = "fast"
    assert "incomplete" in model_card.card("vae", odd).text()
