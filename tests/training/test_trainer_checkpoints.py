"""Trainer: determinism, checkpoints rebuilt in a new process, atomic writes, resume after
an interruption (in process and after SIGKILL) identical to an uninterrupted run,
evaluation across resolutions, the accepted data types."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from sciml.core import Field, ParameterError, TensorGrid
from sciml.operators import FNO
from sciml.solvers.pde import PeriodicGRF
from sciml.training import (
    StopTraining,
    Trainer,
    load_checkpoint,
    load_training_state,
    read_spec,
    save_checkpoint,
)

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def smoothing_data(n_samples=24, n=32, seed=0):
    """a ~ periodic GRF, u = (1 - d^2/dx^2)^{-1} a: a linear operator FNO learns fast."""
    grid = TensorGrid.uniform((n,), periodic=True)
    a = PeriodicGRF(grid, alpha=2, tau=5, sigma=25).sample(n_samples, rng=seed)
    k = grid.fft_frequencies()[0]
    u = torch.fft.ifft(torch.fft.fft(a.values) / (1 + k**2)).real
    return a.to(torch.float32), Field(u, grid).to(torch.float32)


def model(seed=0):
    return FNO(1, 1, (4,), 8, 2, positional_embedding="periodic", seed=seed)


def trainer(m, **kw):
    opts = dict(epochs=4, batch_size=8, lr=3e-3, seed=1, progress=False)
    opts.update(kw)
    return Trainer(m, **opts)


def weights(m):
    return [p.detach().clone() for p in m.parameters()]


def same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def test_same_seed_identical_weights_other_seed_different():
    data = smoothing_data()
    runs = []
    for trainer_seed in (1, 1, 2):
        m = model()
        history = trainer(m, seed=trainer_seed).fit(data)
        runs.append(weights(m))
        assert history["train_loss"][-1] < history["train_loss"][0]
    assert same(runs[0], runs[1])
    assert not same(runs[0], runs[2])


def test_fit_leaves_the_global_rng_alone():
    data = smoothing_data()
    torch.manual_seed(5)
    expected = torch.randn(4)
    torch.manual_seed(5)
    trainer(model(), epochs=1).fit(data)
    assert torch.equal(torch.randn(4), expected)


def test_checkpoint_round_trip_in_a_new_process(tmp_path):
    m = model()
    trainer(m, epochs=2).fit(smoothing_data())
    path = save_checkpoint(tmp_path / "fno.pt", m)
    x = torch.randn(3, 1, 32)
    torch.save(x, tmp_path / "x.pt")
    script = textwrap.dedent(
        f"""
        import torch
        from sciml.training import load_checkpoint
        model = load_checkpoint({str(path)!r})
        x = torch.load({str(tmp_path / "x.pt")!r}, weights_only=True)
        torch.save(model(x).detach(), {str(tmp_path / "y.pt")!r})
        print(type(model).__name__)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], env=ENV, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "FNO"
    y = torch.load(tmp_path / "y.pt", weights_only=True)
    assert torch.equal(y, m(x).detach())
    assert read_spec(path)["class"] == "FNO"
    assert json.loads(json.dumps(read_spec(path))) == m.spec()


def test_checkpoint_writes_are_atomic(tmp_path, monkeypatch):
    m = model()
    path = save_checkpoint(tmp_path / "m.pt", m)
    before = path.read_bytes()

    def broken_save(obj, fh):
        fh.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, model(seed=1))
    assert path.read_bytes() == before  # the old checkpoint survives intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt"]  # no temp files left


class StopAfter:
    def __init__(self, epoch):
        self.epoch = epoch

    def __call__(self, trainer, epoch, history):
        if epoch == self.epoch:
            raise StopTraining


def test_resume_equals_uninterrupted_run(tmp_path):
    data = smoothing_data()
    straight = model()
    full = trainer(straight, checkpoint=tmp_path / "full.pt").fit(data, val=data)

    interrupted = model()
    trainer(interrupted, checkpoint=tmp_path / "ck.pt", callbacks=[StopAfter(2)]).fit(data)
    assert load_training_state(tmp_path / "ck.pt")["epoch"] == 2
    assert not same(weights(interrupted), weights(straight))

    resumed = model(seed=9)  # different init: everything must come from the checkpoint
    history = trainer(resumed, checkpoint=tmp_path / "ck.pt").fit(
        data, val=data, resume_from=tmp_path / "ck.pt"
    )
    assert same(weights(resumed), weights(straight))
    assert history["epoch"] == [1, 2, 3, 4]
    assert history["train_loss"] == full["train_loss"]
    assert same(weights(load_checkpoint(tmp_path / "ck.pt")), weights(straight))


def test_resume_checks_the_settings(tmp_path):
    data = smoothing_data()
    trainer(model(), checkpoint=tmp_path / "ck.pt", epochs=1).fit(data)
    with pytest.raises(ParameterError, match="settings differ.*lr"):
        trainer(model(), epochs=1, lr=1e-2).fit(data, resume_from=tmp_path / "ck.pt")


KILL_SCRIPT = """
import os, signal, sys, torch
torch.set_num_threads(1)
sys.path.insert(0, {here!r})
from test_trainer_checkpoints import model, smoothing_data, trainer

def kill(trainer, epoch, history):
    if epoch == 2:
        os.kill(os.getpid(), signal.SIGKILL)

trainer(model(), checkpoint={path!r}, callbacks=[kill]).fit(smoothing_data())
"""


def test_resume_after_sigkill_equals_uninterrupted_run(tmp_path):
    path = str(tmp_path / "killed.pt")
    here = os.path.dirname(__file__)
    run = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT.format(here=here, path=path)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == -9, run.stderr  # really killed
    assert load_training_state(path)["epoch"] == 2
    data = smoothing_data()
    straight = model()
    trainer(straight).fit(data)
    resumed = model()
    trainer(resumed).fit(data, resume_from=path)
    assert same(weights(resumed), weights(straight))


def test_evaluate_across_resolutions_periodic():
    a, u = smoothing_data(n=32)
    m = model()
    t = trainer(m, epochs=30, lr=1e-2)
    t.fit((a, u))
    errors = t.evaluate((a, u), resolutions=[32, 64, 128])
    assert set(errors) == {32, 64, 128}
    assert errors[32] < 0.2
    # band-limited periodic data + periodic embedding: zero-shot errors equal the native one
    assert errors[64] == pytest.approx(errors[32], rel=1e-3)
    assert errors[128] == pytest.approx(errors[32], rel=1e-3)
    # targets computed at another resolution, passed as a dict, evaluated as they are
    a64, u64 = smoothing_data(n=64)
    per_key = t.evaluate({"n=32": (a, u), "n=64": (a64, u64)})
    assert per_key["n=32"] == pytest.approx(errors[32], rel=1e-6)
    assert per_key["n=64"] < 0.5
    # inputs resampled to 64 points, compared with targets given at 64 points: u's own
    # 64-point samples give the same error; a wrong reference is detected
    u64_same = u.on(TensorGrid.uniform((64,), periodic=True))
    given = t.evaluate((a, u), resolutions=[64], targets={64: u64_same})
    assert given[64] == pytest.approx(errors[64], rel=1e-3)
    wrong = t.evaluate((a, u), resolutions=[64], targets={64: u64_same * 2.0})
    assert wrong[64] > 0.4


class PairDataset(Dataset):
    def __init__(self, a, u):
        self.a, self.u = a, u

    def __len__(self):
        return self.a.values.shape[0]

    def __getitem__(self, i):
        return self.a[i], self.u[i]  # Fields of batch shape ()


def test_tensors_fields_and_datasets_train_alike():
    a, u = smoothing_data()
    results = []
    for data in ((a, u), PairDataset(a, u)):
        m = model()
        trainer(m, epochs=2).fit(data)
        results.append(weights(m))
    assert same(results[0], results[1])
    loader = DataLoader(
        torch.utils.data.TensorDataset(a.values, u.values),
        batch_size=8,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    history = trainer(model(), epochs=2).fit(loader)
    assert len(history["train_loss"]) == 2 and history["samples_per_second"][0] > 0


def test_unusable_checkpoints_raise_checkpoint_errors(tmp_path):
    from sciml.training.checkpoint import CheckpointError, load_weights

    good = save_checkpoint(tmp_path / "good.pt", model())
    raw = good.read_bytes()
    cases = {
        "missing.pt": None,
        "empty.pt": b"",
        "torn.pt": raw[: len(raw) // 3],
        "noise.pt": bytes(range(256)) * 8,
    }
    for name, data in cases.items():
        if data is not None:
            (tmp_path / name).write_bytes(data)
        for load in (load_checkpoint, read_spec, load_training_state):
            with pytest.raises(CheckpointError, match="Fix:"):
                load(tmp_path / name)
    torch.save({"format": "other/1"}, tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="not a sciml checkpoint"):
        load_checkpoint(tmp_path / "foreign.pt")
    payload = torch.load(good, weights_only=True)
    torch.save({**payload, "spec": json.dumps({"class": "Nope"})}, tmp_path / "spec.pt")
    with pytest.raises(CheckpointError, match="model spec stored in spec.pt cannot be rebuilt"):
        load_checkpoint(tmp_path / "spec.pt")
    wider = FNO(1, 1, (4,), 16, 2, positional_embedding="periodic", seed=0)
    with pytest.raises(CheckpointError, match="do not fit the model.*size mismatch"):
        load_weights(wider, good)
    # a resume from a torn file is refused before any training step
    with pytest.raises(CheckpointError, match="torn.pt cannot be read"):
        trainer(model()).fit(smoothing_data(), resume_from=tmp_path / "torn.pt")
