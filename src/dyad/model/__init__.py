"""The learned event coder (issue 15): label spaces, training data, training and inference.

- `dyad.model.labels`: the heads' labels, derived from the codebook, and (type, mode) -> CAMEO;
- `dyad.model.data`: the training examples and their encoding (tokenizers + numpy);
- `dyad.model.infer`: `EventModel`, run time (onnxruntime + tokenizers + numpy);
- `dyad.model.train`: training, cross-validation and ONNX export (the ``train`` extra: torch).

Nothing is imported here, so ``import dyad.model.labels`` needs neither onnxruntime nor torch.
"""
