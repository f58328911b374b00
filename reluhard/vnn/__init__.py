"""Network verifiers' formats: ONNX networks and VNN-LIB properties, out and in.

- :mod:`.onnx_export` (a :class:`~reluhard.network.Network` as an ONNX graph of Gemm and
  Relu nodes) and :mod:`.vnnlib_write` (an inversion query as a VNN-LIB property: the input
  box, then the output constraints whose satisfiability means "an inverting latent exists");
  :mod:`.export` ties them together and refuses what VNN-LIB cannot state;
- :mod:`.onnx_read` (fully connected ONNX graphs back to a network, float32 weights taken
  as the exact rationals they denote) and :mod:`.vnnlib_read` (the VNN-LIB subset VNN-COMP
  uses, constants parsed exactly); :mod:`.spec` builds the ``spec`` query of the IR from them;
- :mod:`.results` (VNN-COMP's result files), :mod:`.bench` (``vnn-bench``: a benchmark
  category with its ground truth), :mod:`.runners` (``vnn-run``: reluhard, Marabou or any
  VNN-COMP tool script on a category, sandboxed) and :mod:`.check` (``vnn-check``: judging
  a verifier's answers exactly).

The ``onnx`` package is an optional extra (``pip install reluhard[onnx]``); the modules that
need it import it when called.
"""
